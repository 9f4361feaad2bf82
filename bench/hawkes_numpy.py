#!/usr/bin/python3
"""The multivariate exponential Hawkes log-likelihood and its gradient in
beta, written directly in NumPy/SciPy (the same recursion faultline uses,
one vectorised step per event over the D dimensions). forecast_bench passes
a file of events and parameters and reads back RESULT ll dll/dbeta
cpu-seconds wall-seconds.
"""
import sys
import time

try:
    import numpy as np
    import scipy  # noqa: F401  (the reference is 'NumPy/SciPy'; scipy must be there)
except ImportError:
    print("python3-numpy / python3-scipy not installed")
    sys.exit(0)


def loglik(times, dims, end, mu, alpha, beta):
    d_n = mu.shape[0]
    a = np.zeros(d_n)
    b = np.zeros(d_n)
    g_mu = np.zeros(d_n)
    g_alpha = np.zeros((d_n, d_n))
    g_beta = 0.0
    ll = 0.0
    last = 0.0
    for t, d in zip(times, dims):
        dt = t - last
        last = t
        if dt > 0:
            e = np.exp(-beta * dt)
            b = e * (b + dt * a)
            a = e * a
        row = alpha[d]
        lam = mu[d] + beta * row.dot(a)
        ll += np.log(lam)
        inv = 1.0 / lam
        g_mu[d] += inv
        g_alpha[d] += beta * a * inv
        g_beta += row.dot(a - beta * b) * inv
        a[d] += 1.0
    dt = end - last
    e = np.exp(-beta * dt)
    b = e * (b + dt * a)
    a = e * a
    counts = np.bincount(dims, minlength=d_n).astype(float)
    ll -= mu.sum() * end
    ll -= (alpha * (counts - a)[None, :]).sum()
    g_beta -= (alpha * b[None, :]).sum()
    return ll, g_beta


def main():
    with open(sys.argv[1]) as f:
        d_n, end, beta = f.readline().split()
        d_n, end, beta = int(d_n), float(end), float(beta)
        mu = np.array([float(x) for x in f.readline().split()])
        alpha = np.array([float(x) for x in f.readline().split()]).reshape(d_n, d_n)
        ev = np.loadtxt(f)
    times = ev[:, 0]
    dims = ev[:, 1].astype(np.int64)
    t0, c0 = time.perf_counter(), time.process_time()
    ll, g_beta = loglik(times, dims, end, mu, alpha, beta)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print("RESULT %.17g %.17g %.6f %.6f" % (ll, g_beta, cpu, wall))


if __name__ == "__main__":
    main()
