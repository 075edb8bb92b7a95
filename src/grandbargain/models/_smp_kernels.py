"""Compiled (numba) kernels for the SMP's two O(n^3) steps, in KTAB's order of operations.

`challenges` is SMPState::probEduChlg(i, i, i, j) for every ordered pair: O(n) per pair, no
n^3 temporaries; `coalitions` is Model::coalitions. Codes: voting rules, third-party commitment
and risk adjustment by their index in _smp_core's VOTING_RULES, THIRD_PARTY and RISK_ADJUSTS.
Sums run in KTAB's order (actor by actor), so results match smpc's to the last bit or nearly.
Importing this module fails without numba; _smp_core then uses its numpy path.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _vote(rule, w, du):
    if rule == 0:  # proportional
        return w * du
    binary = du / 1e-8
    binary = 1.0 if binary > 1.0 else (-1.0 if binary < -1.0 else binary)
    if rule == 1:
        return w * binary
    if rule == 2:
        return w * (0.8 * du + 0.2 * binary)
    if rule == 3:
        return w * (0.5 * du + 0.5 * du * du * du)
    if rule == 4:
        return w * (du * du * du)
    if du < 0.0:
        return w * du
    if du > 0.0:
        return (2.0 * w * du) / 3.0
    return 0.0


@njit(cache=True, inline="always")
def _utility(d, r):
    if d <= 1.0:
        return (1.0 - d) * (1.0 + d * r)
    return (1.0 - d) * (1.0 + r)


@njit(cache=True, inline="always")
def _est_risk(rh, ri, adjust):
    if adjust == 0:
        return ri
    if adjust == 1:
        return (rh + 2.0 * ri) / 3.0
    if adjust == 2:
        return (rh + ri) / 2
    if adjust == 3:
        return (2.0 * rh + ri) / 3.0
    return rh


def _challenges(dist, risk, w, s, rule, third_party, adjust, prob, gain):  # pragma: no cover
    n = w.size
    dist_t = np.ascontiguousarray(dist.T)  # dist_t[j, m] = dist[m, j]: the inner loop reads a row
    for i in range(n):
        rha = np.empty(n)
        uni = np.empty(n)
        unn = np.empty(n)
        for a in range(n):
            rha[a] = _est_risk(risk[i], risk[a], adjust)
            uni[a] = _utility(dist[a, i], rha[a])
            unn[a] = _utility(dist[a, a], rha[a])
        uii = uni[i]
        for j in range(n):
            if j == i:
                continue
            uij = _utility(dist[i, j], rha[i])
            uji = uni[j]
            ujj = unn[j]
            ci = _vote(rule, w[i], uii - uij)
            cj = _vote(rule, w[j], uji - ujj)
            chij = 1e-10
            chji = 1e-10
            if ci > 0.0:
                chij = chij + ci
            if ci < 0.0:
                chji = chji - ci
            if cj > 0.0:
                chij = chij + cj
            if cj < 0.0:
                chji = chji - cj
            ci_sum = chij
            cj_sum = chji
            for m in range(n):
                if m in (i, j):
                    continue
                um_i = uni[m]
                um_j = _utility(dist_t[j, m], rha[m])
                um_m = unn[m]
                cn = _vote(rule, w[m], um_i - um_j)
                # branch-free: adding max(x, 0) is KTAB's "add x if positive", bit for bit
                cni = ci_sum + max(cn, 0.0)
                cnj = cj_sum - min(cn, 0.0)
                pin = cni / (cni + cnj)
                pjn = 1.0 - pin
                if third_party == 0:
                    a1 = um_i + um_i + um_i
                    b1 = um_j + um_j + um_j
                    c1 = um_i + um_i + um_i
                    e1 = um_j + um_j + um_j
                elif third_party == 1:
                    a1 = um_i + um_i + um_m
                    b1 = um_j + um_j + um_j
                    c1 = um_i + um_i + um_i
                    e1 = um_j + um_j + um_m
                else:
                    a1 = um_i + um_i + um_m
                    b1 = um_j + um_j + um_m
                    c1 = um_i + um_i + um_m
                    e1 = um_j + um_j + um_m
                vk = _vote(rule, w[m], (pin * a1) + (pjn * b1) - ((pin * c1) + (pjn * e1)))
                chij = chij + max(vk, 0.0)
                chji = chji - min(vk, 0.0)
            phij = chij / (chij + chji)
            phji = chji / (chij + chji)
            vict = uii + uii
            lose = uij + uij
            contest = phij * vict + phji * lose
            chlg = (1 - s[j]) * vict + s[j] * contest
            prob[i, j] = phij
            gain[i, j] = chlg - (uii + uij)


# One thread: a parallel variant (prange over i) halved nothing measurable on the shared
# 2-core machine and, sharing this function's name, could not share numba's on-disk cache.
challenges = njit(cache=True)(_challenges)


@njit(cache=True)
def coalitions(rule, w, u):  # pragma: no cover
    n_act, n_opt = u.shape
    c = np.empty((n_opt, n_opt))
    for i in range(n_opt):
        for j in range(n_opt):
            cij = 1e-8
            if i != j:
                for k in range(n_act):
                    v = _vote(rule, w[k], u[k, i] - u[k, j])
                    if v > 0:
                        cij = cij + v
            c[i, j] = cij
    return c
