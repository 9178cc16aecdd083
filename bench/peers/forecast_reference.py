"""Reference values of tests/forecast.rs (clv::forecast), computed independently of the crate.

Run with the peers' venv: /tmp/customer-value-peers/bin/python bench/peers/forecast_reference.py
(mpmath 1.4.1, scipy 1.17, lifetimes 0.11.3; a few minutes, the 2-D integrals dominate).

1. BG/NBD, MBG/NBD: the derived closed forms in mpmath (30 digits) beside 2-D integrals over the
   individual-level model (scipy nested quad), for P(alive at T + t) and P(no purchase in (T, T+t]).
2. Pareto/NBD: the same 2-D integrals (t = 1e300 stands for the limit, P(never again)).
3. BG/BB: P(alive at opportunity n + k), FHS (2010) equations 5 and 11 with delta + n + k.
4. Pareto/NBD median time to the next purchase of customer 1516 (mpmath findroot).
5. lifetimes' calculate_alive_path for CDNOW sample customer 403 (writes the CSV of tests/data).
"""
import numpy as np, mpmath as mp
from scipy import integrate, stats
mp.mp.dps = 30
H = [(2, 30.43, 38.86), (0, 0.0, 38.86), (26, 30.85714, 31.0), (1, 2.0, 38.0)]
TS = [0.5, 13.0, 52.0, 1000.0]
BG = (0.243, 4.414, 0.793, 2.426)
MBG = (0.525, 6.183, 0.891, 1.614)
PN = (0.5532816, 10.5777531, 0.6061714, 11.6669065)
opts = dict(epsabs=0, epsrel=1e-10, limit=200)

from math import lgamma, log, exp, expm1, log1p, inf

def q2(f, outer, inner):
    def g(l):
        return integrate.quad(lambda v: f(l, v), *inner, **opts)[0]
    return integrate.quad(g, *outer, **opts)[0]

def lam_top(shape, rate):
    return stats.gamma(shape, scale=1 / rate).isf(1e-17)

def bg_2d(params, shift, h, t, what):
    """Posterior expectation from the individual-level BG/NBD (MBG/NBD: shift 1): priors
    Gamma(r, alpha) x Beta(a, b), likelihood alive (1-p)^(x+s) l^x e^{-l T} + dead
    p (1-p)^(x+s-1) l^x e^{-l t_x} (BG/NBD: only x > 0)."""
    r, al, a, b = params; x, tx, T = h
    c = (r + x) * log(al + T) - lgamma(r + x) - (lgamma(a) + lgamma(b) - lgamma(a + b))
    def lw(l, p):  # log of prior x l^x e^{-l T}, normalised to O(1)
        return c + (r + x - 1) * log(l) - (al + T) * l + (a - 1) * log(p) + (b - 1) * log1p(-p)
    has_dead = x > 0 or shift
    def den(l, p):
        v = exp(lw(l, p) + (x + shift) * log1p(-p))
        if has_dead:
            v += exp(lw(l, p) + l * (T - tx) + log(p) + (x + shift - 1) * log1p(-p))
        return v
    def num(l, p):
        alive = exp(lw(l, p) + (x + shift) * log1p(-p))
        return alive * (exp(-l * p * t) if what == 'alive' else -expm1(-l * t))
    top = lam_top(r + x, al + tx)
    d = q2(den, (0, top), (0, 1)); n = q2(num, (0, top), (0, 1))
    return n / d if what == 'alive' else 1 - n / d

def pn_2d(h, t, what):
    """Posterior expectation from the individual-level Pareto/NBD: priors Gamma(r, alpha) x
    Gamma(s, beta), likelihood l^x e^{-(l+m)T} + l^x m/(l+m) (e^{-(l+m)t_x} - e^{-(l+m)T})."""
    r, al, s, be = PN; x, tx, T = h
    c = (r + x) * log(al + T) - lgamma(r + x) + s * log(be + T) - lgamma(s)
    def lw(l, m):
        return c + (r + x - 1) * log(l) - (al + T) * l + (s - 1) * log(m) - (be + T) * m
    def den(l, m):
        return exp(lw(l, m)) + m / (l + m) * (exp(lw(l, m) + (l + m) * (T - tx)) - exp(lw(l, m)))
    def num(l, m):
        if what == 'alive':
            return exp(lw(l, m) - m * t)
        return exp(lw(l, m)) * l / (l + m) * -expm1(-(l + m) * t)
    lt = lam_top(r + x, al + tx); mt = lam_top(s, be + tx)
    d = q2(den, (0, lt), (0, mt)); n = q2(num, (0, lt), (0, mt))
    return n / d if what == 'alive' else 1 - n / d

# closed forms in mpmath
def bg_palive(params, shift, h):
    r, al, a, b = map(mp.mpf, params); x, tx, T = map(mp.mpf, h)
    if x == 0 and shift == 0:
        return mp.mpf(1)
    odds = a / (b + x + shift - 1) * ((al + T) / (al + tx)) ** (r + x)
    return 1 / (1 + odds)
def bg_future(params, shift, h, t):
    r, al, a, b = map(mp.mpf, params); x, tx, T = map(mp.mpf, h)
    return bg_palive(params, shift, h) * mp.hyp2f1(r + x, a, a + b + x + shift, -mp.mpf(t) / (al + T))
def bg_none(params, shift, h, t):
    r, al, a, b = map(mp.mpf, params); x, tx, T = map(mp.mpf, h)
    pa = bg_palive(params, shift, h)
    return 1 - pa + pa * ((al + T) / (al + T + t)) ** (r + x)


def bg_bb_alive_after():
    al, be, ga, de = map(mp.mpf, ('1.203522', '0.749716', '0.656718', '2.783443'))
    B = mp.beta
    def L(x, tx, n):
        v = B(al + x, be + n - x) / B(al, be) * B(ga, de + n) / B(ga, de)
        for i in range(0, n - tx):
            v += B(al + x, be + tx - x + i) / B(al, be) * B(ga + 1, de + tx + i) / B(ga, de)
        return v
    def alive(k, x, tx, n):
        return B(al + x, be + n - x) / B(al, be) * B(ga, de + n + k) / B(ga, de) / L(x, tx, n)
    for h in [(0, 0, 6), (2, 4, 6), (6, 6, 6), (4, 5, 6)]:
        print('BG/BB', h, [mp.nstr(alive(k, *h), 17) for k in (0, 1, 5, 100)])


def pareto_median_1516():
    h = (26, 30.85714, 31.0)
    pa = pn_2d(h, 0.0, 'alive')
    r, al, s, be = map(mp.mpf, PN); x, tx, T = map(mp.mpf, h)
    m = r + x; A = al + T; B = be + T
    f = lambda u: m / A * (A / (A + u)) ** (m + 1) * (B / (B + u)) ** s
    root = mp.findroot(lambda t: 1 - pa * mp.quad(f, [0, t]) - mp.mpf(1) / 2, 1.1)
    print('Pareto/NBD median, customer 1516: P(alive)', repr(pa), 'median', repr(float(root)))


def lifetimes_alive_path(out='tests/data/lifetimes_alive_path_cdnow_403.csv'):
    import pandas as pd, lifetimes
    # lifetimes 0.11.3 calls Series.fillna(method='ffill'), which pandas 2 removed: route it to ffill.
    fillna = pd.Series.fillna
    pd.Series.fillna = lambda self, value=None, method=None, **kw: (
        self.ffill() if method == 'ffill' else fillna(self, value, **kw))
    from lifetimes.utils import summary_data_from_transaction_data, calculate_alive_path
    df = pd.read_csv('tests/data/CDNOW_sample.txt', sep=r'\s+', header=None,
                     names=['master', 'id', 'date', 'cds', 'dollars'])
    df['date'] = pd.to_datetime(df['date'].astype(str), format='%Y%m%d')
    end = pd.Timestamp('1997-09-30')
    cal = df[df.date <= end]
    s = summary_data_from_transaction_data(cal, 'id', 'date', observation_period_end=end, freq='D')
    model = lifetimes.BetaGeoFitter(penalizer_coef=0.0).fit(s['frequency'], s['recency'], s['T'])
    print('BetaGeoFitter', model.params_.to_dict())
    tx = cal[cal.id == 403]
    first = tx.date.min()
    path = calculate_alive_path(model, tx, 'date', (end - first).days, freq='D')
    print('customer 403 days', [(d - first).days for d in tx.date])
    values = np.array([float(np.ravel(v)[0]) for v in path])
    pd.DataFrame({'age': np.arange(len(values)), 'p_alive': values}).to_csv(
        out, index=False, float_format='%.17g')


if __name__ == '__main__':
    import warnings; warnings.simplefilter('ignore')
    for name, params, shift in [('BG', BG, 0), ('MBG', MBG, 1)]:
        for h in H:
            for t in TS:
                print(name, h, t, 'alive', mp.nstr(bg_future(params, shift, h, t), 17),
                      repr(bg_2d(params, shift, h, t, 'alive')),
                      'none', mp.nstr(bg_none(params, shift, h, t), 17),
                      repr(bg_2d(params, shift, h, t, 'none')), flush=True)
    for h in H:
        for t in TS + [1e300]:
            print('PN', h, t, 'alive', repr(pn_2d(h, t, 'alive')),
                  'none', repr(pn_2d(h, t, 'none')), flush=True)
    bg_bb_alive_after()
    pareto_median_1516()
    lifetimes_alive_path()
