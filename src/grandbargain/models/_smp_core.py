"""KTAB's Spatial Model of Politics (models.md section 8): pure numpy functions, one turn at a time.

Notation: n actors, d dimensions, everything on KTAB's internal scale (positions and saliences
divided by 100, so positions in [0, 1] and an actor's saliences sum to at most 1):
  X (n, d) positions (the ideals: KTAB's identity accommodation keeps ideal = position);
  S (n, d) saliences; s = S.sum(1); c (n,) capabilities;
  D[a, b]   scaled distance of actor a's ideal to actor b's position;
  R (n,)    risk attitudes in [-1, 1] (from the win probabilities of the risk-neutral PCE);
  U[h, a, b] h's estimate of a's utility of b's position: u(D[a, b], r_ha), r_ha = adj(r_h, r_a).
Each turn: R from a PCE over the actors' positions, every actor's best challenge (third
parties' "little conflict" votes), one interpolated bargain per challenger, each actor's queue
of bargains resolved by a PCE over the states they lead to, positions updated together.

Cost per turn: the challenges are O(n^3) (every ordered pair i, j with every third party n,
seen from i's side); KTAB's smpc also evaluates every other actor's view of every challenge,
which only feeds its SQLite tables and costs O(n^4). The queues cost O(n^2 (d + q)) with q the
longest queue; the risk PCE O(n^3) in time, O(n^2) in memory. The n^3 tensors are processed in
blocks of initiators so that memory stays O(n^2) times a constant block size.

Two arithmetics, the same to the last bit: numpy (below `NUMBA_FROM` actors, where importing
numba and loading its cached kernels would cost a fresh process more than the whole run) and
the numba kernels of `_smp_kernels` (from `NUMBA_FROM` actors). The numpy path does each
operation in the kernels' order: the sums over actors are running sums in actor order
(numpy reduces an axis that is not the innermost in order), not numpy's pairwise sums
(decision SMP-14).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

VOTING_RULES = ("proportional", "binary", "prop-bin", "prop-cubic", "cubic", "asym-prospect")
VICTORY_MODELS = ("linear", "square", "quartic", "octic", "binary")
PCE_MODELS = ("conditional", "markov-incentive", "markov-uniform")
STATE_TRANSITIONS = ("deterministic", "stochastic")
RISK_RANGES = ("min", "mid", "max")
RISK_ADJUSTS = ("full", "two-thirds", "half", "one-third", "none")
THIRD_PARTY = ("full", "semi", "none")
INTERPOLATIONS = ("s1p1", "s2p2", "s2pmax")
BARGAIN_MODELS = ("init-only", "init-receiver", "power-weighted")

MIN_COALITION = 1e-8        # Model::coalitions
MIN_CONTEST = 1e-10         # SMPState::probEduChlg
MIN_GAIN = 1e-5             # SMPState::bestChallenge
MIN_INTERP_WEIGHT = 1e-6    # SMPActor::interpBrgnSnPm / S2PMax
BLOCK_ELEMENTS = 1 << 15    # n^3 tensors are built in blocks of about this many entries (in cache)

_RULE_CODES = {rule: k for k, rule in enumerate(VOTING_RULES)}
_THIRD_PARTY_CODES = {tp: k for k, tp in enumerate(THIRD_PARTY)}
_ADJUST_CODES = {a: k for k, a in enumerate(RISK_ADJUSTS)}


def _compiled():
    """The compiled O(n^3) kernels (numba), imported on first use so that importing the models
    does not import numba; None without numba (the numpy code is the same arithmetic, slower)."""
    global _KERNELS
    if _KERNELS is False:
        try:
            from grandbargain.models import _smp_kernels
        except ImportError:
            _KERNELS = None
        else:
            _KERNELS = _smp_kernels
            _warm_up(_smp_kernels)
    return _KERNELS


_BLAS_PROBE = "scipy.linalg.cython_blas"


def _warm_up(kernels) -> None:
    """Load the cached kernels now. Numba's first call probes for BLAS by importing
    scipy.linalg (about 0.25 s of CPU, a third of numba's start) although these kernels use no
    linear algebra; unless scipy.linalg is already loaded, the probe is answered "absent" for
    the duration of this call only. Its one lasting effect: numba's compiled inner products
    (np.correlate, np.convolve) use numba's own loop instead of BLAS; np.dot and np.linalg
    still find scipy when compiled later. Nothing in this package uses either."""
    import sys

    blocked = _BLAS_PROBE not in sys.modules
    if blocked:
        sys.modules[_BLAS_PROBE] = None  # type: ignore[assignment]
    try:
        w = np.ones(2)
        kernels.coalitions(0, w, np.zeros((2, 2)))
        kernels.challenges(np.zeros((2, 2)), np.zeros(2), w, w, 0, 1, 3, np.zeros((2, 2)),
                           np.zeros((2, 2)))
    finally:
        if blocked and sys.modules.get(_BLAS_PROBE, 0) is None:
            del sys.modules[_BLAS_PROBE]


#: from this many actors the O(n^3) steps run in the numba kernels at once. Below it they run
#: in numpy (the same bits) and numba is not even imported: its start (~0.4 s of CPU in a
#: fresh process) is more than the numpy path's extra time (~1e-8 s per actor-cube and turn)
#: over a whole run of fewer actors (SMP-14)
NUMBA_FROM = 96
#: below this many actors numpy is as fast as the kernels
COMPILED_FROM = 32
#: actor-cubes x turns the numpy path takes on in one process (from COMPILED_FROM actors)
#: before loading the kernels anyway: about numba's start in extra numpy time, so a process
#: running many SMPs (draws, validation) loses at most that much (SMP-14)
NUMPY_WORK_BUDGET = 40_000_000
_numpy_work = 0
_KERNELS = False if os.environ.get("GRANDBARGAIN_SMP_NUMPY") != "1" else None


def _kernels_for(n: int):
    """The kernels for a step over n actors, or None for the numpy path: from NUMBA_FROM
    actors; from COMPILED_FROM once numba is loaded or the numpy work budget is spent."""
    if _KERNELS is None or n < COMPILED_FROM:
        return None
    if n >= NUMBA_FROM or _KERNELS is not False or _numpy_work >= NUMPY_WORK_BUDGET:
        return _compiled()
    return None


@dataclass(frozen=True)
class Options:
    voting_rule: str = "proportional"
    victory_model: str = "linear"
    pce_model: str = "conditional"
    state_transition: str = "deterministic"
    risk_range: str = "mid"
    risk_adjust: str = "one-third"
    third_party: str = "semi"
    interpolation: str = "s2p2"
    bargain_model: str = "init-only"
    min_turns: int = 2
    max_turns: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4
    position_tolerance: float = 1e-3


@dataclass(frozen=True)
class Bargain:
    """A proposed bargain: `initiator` would adopt `initiator_position`, `receiver`
    `receiver_position` (dimension vectors, internal 0-1 scale)."""

    initiator: int
    receiver: int
    initiator_position: tuple[float, ...]
    receiver_position: tuple[float, ...]
    gain: float          # the initiator's expected gain from the challenge
    probability: float   # the initiator's estimate that it would win the challenge


@dataclass(frozen=True)
class Turn:
    """One turn: the state it started from (risk, win probabilities), the bargains proposed,
    the bargain each actor adopted (index into `bargains`, -1 for its status quo) with the
    probability the queue's PCE gave it, and the positions after the turn."""

    number: int
    risk: np.ndarray            # (n,) risk attitudes at the start of the turn
    win_probabilities: np.ndarray  # (n,) KTAB's "actors' winning probabilities" at the start
    bargains: tuple[Bargain, ...]
    chosen: tuple[int, ...]
    chosen_probability: tuple[float, ...]
    positions: np.ndarray       # (n, d) after the turn
    change: float               # sum over actors of the Euclidean length of their move


@dataclass(frozen=True)
class Simulation:
    start: np.ndarray               # (n, d) initial positions
    turns: tuple[Turn, ...]
    final_risk: np.ndarray
    final_win_probabilities: np.ndarray
    final_unique: tuple[int, ...]   # indices of the unique positions of the final state
    final_unique_probabilities: np.ndarray
    stopped: str                    # "quiet" or "max-turns"


# ---------------------------------------------------------------- elementary functions

def vote(rule: str, w, du):
    """Model::vote: actor weight w, utility difference du (broadcast)."""
    if rule == "proportional":
        return w * du
    binary = np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "binary":
        return w * binary
    if rule == "prop-bin":
        return w * (0.8 * du + 0.2 * binary)
    if rule == "prop-cubic":
        return w * (0.5 * du + 0.5 * du * du * du)
    if rule == "cubic":
        return w * (du * du * du)
    if rule == "asym-prospect":
        return np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def victory(model: str, s1, s2):
    """Model::vProb: probability that coalition strength s1 beats s2."""
    if model == "binary":
        thresh = 1.10
        r12 = s1 / (s1 + s2)
        mid = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(s1 >= thresh * s2, 1.0, np.where(s2 >= thresh * s1, 1e-6, mid))
        x2 = np.where(s1 >= thresh * s2, 1e-6, np.where(s2 >= thresh * s1, 1.0, 1 - mid))
    else:
        power = {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[model]
        x1, x2 = s1 ** power, s2 ** power
    return x1 / (x1 + x2)


def utility(dist, risk):
    """SMPModel::bsUtil: u(d, R) = (1 - d)(1 + d R); (1 - d)(1 + R) beyond d = 1."""
    return np.where(dist <= 1.0, (1.0 - dist) * (1.0 + dist * risk), (1.0 - dist) * (1.0 + risk))


def scaled_distances(ideals: np.ndarray, saliences: np.ndarray, points: np.ndarray) -> np.ndarray:
    """D[a, b] = sqrt(sum_k (s_ak (ideal_ak - point_bk))^2 / sum_k s_ak^2) (SMPModel::bvDiff)."""
    # saliences so small that their squares underflow: the ratio is scale-free, so rescale
    # those actors' saliences by their largest (KTAB's arithmetic is unchanged elsewhere)
    top = saliences.max(axis=1)
    tiny = ((saliences * saliences).sum(axis=1) < 1e-250) & (top > 0)
    if tiny.any():
        saliences = np.where(tiny[:, None], saliences / np.where(tiny, top, 1.0)[:, None],
                             saliences)
    diff = (ideals[:, None, :] - points[None, :, :]) * saliences[:, None, :]
    num = np.zeros(diff.shape[:2])
    den = 0.0
    for k in range(ideals.shape[1]):  # KTAB's order of summation, dimension by dimension
        num = num + diff[:, :, k] * diff[:, :, k]
        den = den + saliences[:, k] * saliences[:, k]
    return np.sqrt(num / den[:, None])


def coalitions(rule: str, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Model::coalitions: C[i, j] = 1e-8 + sum of positive votes w_k (u_ki - u_kj), summed
    voter by voter from 1e-8 (the kernel's order, so both paths give the same bits)."""
    kernels = _kernels_for(w.size)
    if kernels is not None and rule in _RULE_CODES:
        return kernels.coalitions(_RULE_CODES[rule], np.ascontiguousarray(w, dtype=float),
                                   np.ascontiguousarray(u, dtype=float))
    u = np.ascontiguousarray(u, dtype=float)
    n_act, n_opt = u.shape
    c = np.full((n_opt, n_opt), MIN_COALITION)
    block = max(1, BLOCK_ELEMENTS // max(1, n_opt * n_opt))
    for start in range(0, n_act, block):
        part = u[start:start + block]
        votes = vote(rule, w[start:start + block, None, None], part[:, :, None] - part[:, None, :])
        votes = np.ascontiguousarray(votes)  # voters outermost in memory: summed in order
        np.maximum(votes, 0.0, out=votes)
        votes[0] += c
        c = np.add.reduce(votes, axis=0)  # voter by voter: an outer axis is summed in order
    np.fill_diagonal(c, MIN_COALITION)
    return c


def victory_matrix(model: str, c: np.ndarray) -> np.ndarray:
    p = victory(model, c, c.T)
    np.fill_diagonal(p, 0.5)
    return p


def pce(model: str, victory_model: str, c: np.ndarray) -> np.ndarray:
    """Model::probCE2: each option's probability from the coalition strengths."""
    pv = victory_matrix(victory_model, c)
    n = c.shape[0]
    if model == "conditional":
        p = np.prod(pv, axis=1)
        return p / p.sum()
    if model == "markov-uniform":
        p = np.full(n, 1.0 / n)
        for _ in range(1000):
            q = (pv * (p[:, None] + p[None, :])).sum(axis=1) / n
            change = np.max(np.abs(q - p))
            p = (p + q) / 2.0
            if change <= 1e-6:
                return p
        raise RuntimeError("markov-uniform PCE did not converge in 1000 iterations")
    if model == "markov-incentive":
        incentive = c * pv
        incentive[np.diag_indices(n)] += 1e-10
        challenge = incentive / incentive.sum(axis=0, keepdims=True)  # P[i -> j]
        p = np.full(n, 1.0 / n)
        for _ in range(1000):
            ct = p[:, None] * challenge.T
            q = (pv * (ct + ct.T)).sum(axis=1)
            change = np.max(np.abs(q - p))
            p = (p + q) / 2.0
            if change <= 1e-8:
                return p
        raise RuntimeError("markov-incentive PCE did not converge in 1000 iterations")
    raise ValueError(f"unknown PCE model {model!r}")


def scalar_pce(opts: Options, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Model::scalarPCE: probabilities of the options (columns of u) by the actors' votes."""
    return pce(opts.pce_model, opts.victory_model, coalitions(opts.voting_rule, w, u))


def risk_from_probabilities(p: np.ndarray, risk_range: str) -> np.ndarray:
    """Model::bigRfromProb. When every probability is equal the formula is 0/0: risk neutral."""
    lo, hi = float(p.min()), float(p.max())
    if hi <= lo:
        return np.zeros_like(p)
    if risk_range == "min":
        return (p - lo) / (hi - lo)
    if risk_range == "mid":
        return (3 * p - (hi + 2 * lo)) / (2 * (hi - lo))
    return (2 * p - (hi + lo)) / (hi - lo)


def estimated_risk(rh, ri, adjust: str):
    """Model::estNRA: h's estimate of i's risk attitude."""
    if adjust == "full":
        return ri + 0.0 * rh
    if adjust == "two-thirds":
        return (rh + 2.0 * ri) / 3.0
    if adjust == "half":
        return (rh + ri) / 2
    if adjust == "one-third":
        return (2.0 * rh + ri) / 3.0
    return rh + 0.0 * ri


def unique_positions(x: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's ueIndices: first occurrences of positions closer than tol (Euclidean), and for
    each actor the index of the last unique position within tol (State::posProb)."""
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    unique: list[int] = []
    for i in range(x.shape[0]):
        if not any(dist[i, k] < tol for k in unique):
            unique.append(i)
    uniq = np.array(unique)
    close = dist[:, uniq] < tol
    last = close.shape[1] - 1 - np.argmax(close[:, ::-1], axis=1)
    return uniq, last


# ---------------------------------------------------------------- one state

@dataclass(frozen=True)
class State:
    """A state's derived quantities: distances, risk attitudes, own utilities."""

    x: np.ndarray
    dist: np.ndarray     # D (n, n)
    risk: np.ndarray     # R (n,)
    own: np.ndarray      # own[a, b] = u(D[a, b], r_a)  (= U[a, a, b])


def assess(x: np.ndarray, sal: np.ndarray, cap: np.ndarray, opts: Options) -> State:
    """SMPState::setAllAUtil: distances, the risk-neutral PCE and the risk attitudes."""
    dist = scaled_distances(x, sal, x)
    neutral = utility(dist, 0.0)
    p = pce(opts.pce_model, opts.victory_model, coalitions(opts.voting_rule, cap, neutral))
    risk = risk_from_probabilities(p, opts.risk_range)
    return State(x, dist, risk, utility(dist, risk[:, None]))


def win_probabilities(state: State, cap: np.ndarray, opts: Options):
    """SMPModel::showVPHistory: PCE over the unique positions with each actor's own utilities;
    each actor gets the probability of (the last unique position equivalent to) its own."""
    uniq, which = unique_positions(state.x, opts.position_tolerance)
    p = scalar_pce(opts, cap, state.own[:, uniq])
    return p[which], uniq, p


def _contest(opts: Options, w, uii, uij, uji, ujj, uni, unj, unn, third):
    """probEduChlg's probability that i beats j, broadcast over leading axes; the last axis
    runs over third parties n (masked by `third`)."""
    rule = opts.voting_rule
    ci = vote(rule, w[0], uii - uij)
    cj = vote(rule, w[1], uji - ujj)
    chij = MIN_CONTEST + np.maximum(ci, 0.0)
    chij = chij + np.maximum(cj, 0.0)
    chji = MIN_CONTEST - np.minimum(ci, 0.0)
    chji = chji - np.minimum(cj, 0.0)
    wn = w[2]
    cn = vote(rule, wn, uni - unj)
    cni = chij[..., None] + np.maximum(cn, 0.0)
    cnj = chji[..., None] - np.minimum(cn, 0.0)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    if opts.third_party == "full":
        a, b, c_, e = uni + uni + uni, unj + unj + unj, uni + uni + uni, unj + unj + unj
    elif opts.third_party == "semi":
        a, b, c_, e = uni + uni + unn, unj + unj + unj, uni + uni + uni, unj + unj + unn
    else:
        a, b, c_, e = uni + uni + unn, unj + unj + unn, uni + uni + unn, unj + unj + unn
    vk = vote(rule, wn, (pin * a + pjn * b) - (pin * c_ + pjn * e))
    vk = np.where(third, vk, 0.0)
    chij = chij + np.maximum(vk, 0.0).sum(axis=-1)
    chji = chji - np.minimum(vk, 0.0).sum(axis=-1)
    return chij / (chij + chji)


def challenges(state: State, s: np.ndarray, cap: np.ndarray, opts: Options):
    """Every actor's own estimate of challenging every other (see `challenges_numpy`): the
    numba kernel or the numpy blocks (the same bits), as `_kernels_for` decides."""
    global _numpy_work
    n = s.size
    kernels = _kernels_for(n)
    if kernels is not None and opts.voting_rule in _RULE_CODES:
        prob = np.zeros((n, n))
        gain = np.full((n, n), -np.inf)
        kernels.challenges(state.dist, state.risk, s * cap, s, _RULE_CODES[opts.voting_rule],
                            _THIRD_PARTY_CODES[opts.third_party],
                            _ADJUST_CODES[opts.risk_adjust], prob, gain)
        return prob, gain
    if n >= COMPILED_FROM:
        _numpy_work += n ** 3
    return challenges_numpy(state, s, cap, opts)


def _kernel_risk(rh, ri, adjust: str):
    """estimated_risk as the kernel computes it (no 0 * r terms)."""
    if adjust == "full":
        return ri + np.zeros_like(rh)
    if adjust == "none":
        return rh + np.zeros_like(ri)
    return estimated_risk(rh, ri, adjust)


def _third_party_terms(third_party: str, um_i, um_m):
    """probEduChlg's per-third-party utilities: a = 2 u_ni + X, c = 2 u_ni + Z (X, Z here),
    and which of b = 2 u_nj + Y, e = 2 u_nj + V take u_nn (Y, V: True) or u_nj."""
    two = um_i + um_i
    if third_party == "full":
        return two + um_i, two + um_i, False, False
    if third_party == "semi":
        return two + um_m, two + um_i, False, True
    return two + um_m, two + um_m, True, True


def challenges_numpy(state: State, s: np.ndarray, cap: np.ndarray, opts: Options):
    """Every actor's own estimate of challenging every other: (P, G) with P[i, j] i's estimate
    that it beats j and G[i, j] its expected gain over the status quo (probEduChlg(i, i, i, j)).

    The kernel's arithmetic operation for operation, on (initiators i, third parties m,
    targets j) blocks in preallocated buffers sized to stay in cache; the third parties'
    votes are summed in actor order from the pair's own votes (a reduction over the middle
    axis m, which numpy runs as running sums in order, not pairwise), so P and G equal the
    kernel's to the last bit (tests/test_smp.py checks it)."""
    n = s.size
    w = s * cap
    r = state.risk
    dist = state.dist
    rule = opts.voting_rule
    proportional = rule == "proportional"
    prob = np.zeros((n, n))
    gain = np.full((n, n), -np.inf)
    idx = np.arange(n)
    near = 1.0 - dist                                  # (m, j): 1 - D[m, j]
    far = bool((dist > 1.0).any())
    w_m = w[None, :, None]
    block = max(1, min(n, BLOCK_ELEMENTS // (n * n)))
    buffers = [np.empty((block, n, n)) for _ in range(5)]
    for start in range(0, n, block):
        rows = idx[start:start + block]
        b = rows.size
        hb = np.arange(b)
        um_j, pjn, pin, t1, t2 = (buf[:b] for buf in buffers)
        rha = _kernel_risk(r[rows, None], r[None, :], opts.risk_adjust)  # (i, a): r_i's view
        uni = utility(dist.T[rows], rha)               # U[i, a, i]
        unn = utility(np.diagonal(dist)[None, :], rha)  # U[i, a, a]
        uii = uni[hb, rows]
        uij = utility(dist[rows], rha[hb, rows][:, None])  # U[i, i, j]
        ci = vote(rule, w[rows, None], uii[:, None] - uij)
        cj = vote(rule, w[None, :], uni - unn)         # U[i, j, i] - U[i, j, j]
        chij = (MIN_CONTEST + np.maximum(ci, 0.0)) + np.maximum(cj, 0.0)
        chji = (MIN_CONTEST - np.minimum(ci, 0.0)) - np.minimum(cj, 0.0)
        # U[i, m, j] = u(D[m, j], r_im) = (1 - D)(1 + D r), in the kernel's operations
        np.multiply(dist[None, :, :], rha[:, :, None], out=um_j)
        um_j += 1.0
        um_j *= near[None]
        if far:
            um_j[...] = np.where(dist[None] <= 1.0, um_j, near[None] * (1.0 + rha[:, :, None]))
        um_i = uni[:, :, None]
        um_m = unn[:, :, None]
        np.subtract(um_i, um_j, out=pjn)               # m's utility difference
        if proportional:
            pjn *= w_m
        else:
            pjn[...] = vote(rule, w_m, pjn)            # m's vote cn
        np.maximum(pjn, 0.0, out=pin)
        pin += chij[:, None, :]                        # cni
        np.minimum(pjn, 0.0, out=pjn)
        np.subtract(chji[:, None, :], pjn, out=pjn)    # cnj
        pjn += pin
        pin /= pjn                                     # pin = cni / (cni + cnj)
        np.subtract(1.0, pin, out=pjn)
        a, c, b_takes_m, e_takes_m = _third_party_terms(opts.third_party, um_i, um_m)
        np.add(um_j, um_j, out=t1)                     # 2 u_nj
        np.add(t1, um_m if b_takes_m else um_j, out=t2)   # b
        t1 += um_m if e_takes_m else um_j              # e
        t2 *= pjn                                      # pjn b
        t1 *= pjn                                      # pjn e
        np.multiply(pin, a, out=um_j)
        um_j += t2                                     # pin a + pjn b
        np.multiply(pin, c, out=t2)
        t2 += t1                                       # pin c + pjn e
        um_j -= t2
        if proportional:
            um_j *= w_m
        else:
            um_j[...] = vote(rule, w_m, um_j)          # vk
        um_j[hb, rows, :] = 0.0                        # m == i and m == j take no part
        um_j[:, idx, idx] = 0.0
        np.maximum(um_j, 0.0, out=pin)
        np.minimum(um_j, 0.0, out=pjn)
        pin[:, 0, :] += chij
        np.subtract(chji, pjn[:, 0, :], out=pjn[:, 0, :])
        chij = np.add.reduce(pin, axis=1)             # running sums over m (see SMP-14)
        chji = np.subtract.reduce(pjn, axis=1)
        total = chij + chji
        phij = chij / total
        phji = chji / total
        vict = (uii + uii)[:, None]
        contest = phij * vict + phji * (uij + uij)
        prob[rows] = phij
        gain[rows] = ((1 - s[None, :]) * vict + s[None, :] * contest) - (uii[:, None] + uij)
    prob[idx, idx] = 0.0
    np.fill_diagonal(gain, -np.inf)
    return prob, gain


def contest_probability(state: State, s, cap, opts: Options, h: int, i: int, j: int) -> float:
    """h's estimate that i beats j (for the receiver's view of a bargain)."""
    n = s.size
    w = s * cap
    r = state.risk
    rha = estimated_risk(r[h], r, opts.risk_adjust)
    u = utility(state.dist, rha[:, None])                # U[h, a, x]
    third = (np.arange(n) != i) & (np.arange(n) != j)
    return float(_contest(opts, (w[i], w[j], w), u[i, i], u[i, j], u[j, i], u[j, j],
                          u[:, i], u[:, j], np.diagonal(u).copy(), third))


def best_targets(prob: np.ndarray, gain: np.ndarray):
    """SMPState::bestChallenge: the first j with the largest gain above 1e-5, or -1."""
    masked = np.where(gain > MIN_GAIN, gain, -np.inf)
    target = np.argmax(masked, axis=1)
    ok = np.isfinite(masked[np.arange(gain.shape[0]), target])
    return np.where(ok, target, -1)


def _round4(x):
    """KTAB rounds bargains to 4 decimals with floor(0.5 + 10^4 x), which sends exact halves
    up (towards the top of every scale); halves go to the even digit here, so a mirrored case
    rounds as a mirror. Only exact halves differ from KTAB (SMP-12)."""
    return np.round(x * 10000.0) / 10000.0


def interpolate(xi, si, pi, xj, sj, pj, how: str):
    """SMPActor::interpolateBrgn, dimension by dimension: (b_i, b_j)."""
    if how in ("s1p1", "s2p2"):
        e = 1 if how == "s1p1" else 2
        wi = si ** e * pi ** e
        wj = sj ** e * pj ** e
        bi = _round4(((wi + MIN_INTERP_WEIGHT) * xi + wj * xj) / (wi + MIN_INTERP_WEIGHT + wj))
        bj = _round4((wi * xi + (MIN_INTERP_WEIGHT + wj) * xj) / (wi + MIN_INTERP_WEIGHT + wj))
        return bi, bj
    di = max(pj - pi, 0.0)
    dj = max(pi - pj, 0.0)
    si2, sj2 = si * si, sj * sj
    dik = (di * sj2) / ((di * sj2) + MIN_INTERP_WEIGHT + ((1 - di) * si2))
    djk = (dj * si2) / ((dj * si2) + MIN_INTERP_WEIGHT + ((1 - dj) * sj2))
    return xi + dik * (xj - xi), xj + djk * (xi - xj)


def propose(state: State, sal, s, cap, opts: Options, prob, gain, targets) -> list[Bargain]:
    """SMPState::doBCN(i): the bargains proposed this turn, in initiator order."""
    out: list[Bargain] = []
    x = state.x
    for i in np.flatnonzero(targets >= 0):
        j = int(targets[i])
        pij = float(prob[i, j])
        bi, bj = interpolate(x[i], sal[i], pij, x[j], sal[j], 1 - pij, opts.interpolation)
        g = float(gain[i, j])
        if opts.bargain_model == "init-only":
            out.append(Bargain(int(i), j, tuple(bi), tuple(bj), g, pij))
            continue
        pji = contest_probability(state, s, cap, opts, j, int(i), j)
        ci, cj = interpolate(x[i], sal[i], pji, x[j], sal[j], 1 - pji, opts.interpolation)
        if opts.bargain_model == "init-receiver":
            out.append(Bargain(int(i), j, tuple(bi), tuple(bj), g, pij))
            out.append(Bargain(int(i), j, tuple(ci), tuple(cj), g, pji))
            continue
        # KTAB weighs the receiver's view with the initiator's capability (smpbcn.cpp:
        # scj = brgnJIJ->actInit->sCap); kept as KTAB runs it (docs/decisions.md SMP-07).
        wi = cap[i] * s[i]
        wj = cap[i] * s[j]
        out.append(Bargain(int(i), j, tuple((wi * bi + wj * ci) / (wi + wj)),
                           tuple((wi * bj + wj * cj) / (wi + wj)), g, pij))
    return out


def resolve(state: State, sal, cap, opts: Options, bargains: list[Bargain], rng):
    """SMPState::updateBestBrgnPositions for every actor: its queue (status quo first, then the
    bargains it initiated or received, in initiator order) resolved by a PCE over the average
    utility each actor gets from the state the bargain leads to. Returns (new x, chosen index
    per actor, its probability)."""
    x = state.x
    n = x.shape[0]
    new_x = x.copy()
    chosen = [-1] * n
    chosen_p = [1.0] * n
    if not bargains:
        return new_x, chosen, chosen_p
    own = state.own
    bi = np.array([b.initiator for b in bargains])
    br = np.array([b.receiver for b in bargains])
    pos_i = np.array([b.initiator_position for b in bargains])
    pos_r = np.array([b.receiver_position for b in bargains])
    ui = utility(scaled_distances(x, sal, pos_i), state.risk[:, None])   # (n actors, m)
    ur = utility(scaled_distances(x, sal, pos_r), state.risk[:, None])
    m = len(bargains)
    # KTAB's order of summation: the two moved positions first, then the others in order
    # (running sums over the outer axis k: numpy adds those in order)
    moved = (bi[None, :] == np.arange(n)[:, None]) | (br[None, :] == np.arange(n)[:, None])
    others = np.empty((n, n, m))                                     # (k, actor, bargain)
    others[...] = own.T[:, :, None]
    np.copyto(others, 0.0, where=moved[:, None, :])
    others[0] += ui + ur
    avg = np.add.reduce(others, axis=0) / n
    sq = np.add.reduce(np.ascontiguousarray(own.T), axis=0) / n
    queues: list[list[int]] = [[] for _ in range(n)]
    for b in range(m):
        queues[bi[b]].append(b)
        queues[br[b]].append(b)
    probabilities = _queue_pces(opts, cap, sq, avg, queues)
    for k in range(n):
        queue = queues[k]
        if not queue:
            continue
        p = probabilities[k]
        if opts.state_transition == "deterministic":
            pick = int(np.argmax(np.abs(p)))
        else:
            pick = int(rng.choice(p.size, p=p / p.sum()))
        chosen_p[k] = float(p[pick])
        if pick == 0:
            continue
        b = queue[pick - 1]
        chosen[k] = b
        new_x[k] = pos_i[b] if bi[b] == k else pos_r[b]
    return new_x, chosen, chosen_p


def _queue_pces(opts: Options, cap, sq, avg, queues: list[list[int]]) -> dict:
    """Each non-empty queue's PCE over its options (status quo, then its bargains): for the
    conditional PCE every queue of the same length at once, with `coalitions`' and `pce`'s
    operations in their order (the same bits as one queue at a time); the iterative PCEs
    one queue at a time."""
    out = {}
    if opts.pce_model != "conditional":
        for k, queue in enumerate(queues):
            if queue:
                out[k] = scalar_pce(opts, cap, np.column_stack([sq] + [avg[:, b] for b in queue]))
        return out
    by_length: dict[int, list[int]] = {}
    for k, queue in enumerate(queues):
        if queue:
            by_length.setdefault(len(queue), []).append(k)
    for length, actors in by_length.items():
        picked = avg[:, [queues[k] for k in actors]]                      # (voter, queue, option)
        u = np.concatenate([np.broadcast_to(sq[:, None, None], (sq.size, len(actors), 1)),
                            picked], axis=2).transpose(1, 0, 2)          # (queue, voter, option)
        votes = np.ascontiguousarray(vote(opts.voting_rule, cap[None, :, None, None],
                                          u[:, :, :, None] - u[:, :, None, :]))
        np.maximum(votes, 0.0, out=votes)
        votes[:, 0] += MIN_COALITION
        c = np.add.reduce(votes, axis=1)                               # voter by voter
        diagonal = np.arange(length + 1)
        c[:, diagonal, diagonal] = MIN_COALITION
        pv = victory(opts.victory_model, c, c.transpose(0, 2, 1))
        pv[:, diagonal, diagonal] = 0.5
        p = np.prod(pv, axis=2)
        p = p / p.sum(axis=1, keepdims=True)
        out.update(zip(actors, p, strict=True))
    return out


def state_distance(x0: np.ndarray, x1: np.ndarray) -> float:
    """SMPModel::stateDist: sum over actors of the Euclidean length of their move."""
    return float(np.sqrt(((x1 - x0) ** 2).sum(axis=1)).sum())


def simulate(x0: np.ndarray, sal: np.ndarray, cap: np.ndarray, opts: Options,
             seed: int | None = None) -> Simulation:
    """The whole run (Model::run with smpStopFn)."""
    rng = np.random.default_rng(seed)
    s = sal.sum(axis=1)
    x = np.array(x0, dtype=float)
    state = assess(x, sal, cap, opts)
    turns: list[Turn] = []
    first = None
    stopped = "max-turns"
    for number in range(1, opts.max_turns + 1):
        win, _, _ = win_probabilities(state, cap, opts)
        prob, gain = challenges(state, s, cap, opts)
        targets = best_targets(prob, gain)
        bargains = propose(state, sal, s, cap, opts, prob, gain, targets)
        new_x, chosen, chosen_p = resolve(state, sal, cap, opts, bargains, rng)
        change = state_distance(x, new_x)
        turns.append(Turn(number, state.risk, win, tuple(bargains), tuple(chosen),
                          tuple(chosen_p), new_x, change))
        x = new_x
        state = assess(x, sal, cap, opts)
        if first is None:
            first = change + opts.min_sig_delta
        if number >= opts.min_turns and change / first < opts.min_delta_ratio:
            stopped = "quiet"
            break
    win, uniq, p = win_probabilities(state, cap, opts)
    return Simulation(np.array(x0, dtype=float), tuple(turns), state.risk, win,
                      tuple(int(u) for u in uniq), p, stopped)
