#!/usr/bin/env python3
# Independent reference: Pareto/NBD with static covariates (Fader & Hardie 2007 note; CLVTools signs)
# on CLVTools' apparelTrans/apparelStaticCov, weekly, calibration = 104 weeks after the first date
# in the data (CLVTools estimation.split = 104). scipy hyp2f1 likelihood (FHL 2005 note eq. 22),
# scipy BFGS from several starts, SEs from a finite-difference Hessian.
import sys
import numpy as np, pandas as pd
from scipy.special import gammaln, hyp2f1
from scipy.optimize import minimize

# Usage: covariates_apparel.py apparelTrans.csv apparelStaticCov.csv tests/data/apparel_static_cov_cbs.csv
tr = pd.read_csv(sys.argv[1], parse_dates=['Date'])
cov = pd.read_csv(sys.argv[2])
OUT = sys.argv[3]
start = tr.Date.min()
split = start + pd.Timedelta(weeks=104)
tr = tr.drop_duplicates(['Id', 'Date'])  # same-day transactions are one (CLVTools aggregates)
first = tr.groupby('Id').Date.min()
cal = tr[tr.Date <= split]
g = cal.groupby('Id').Date
cbs = pd.DataFrame({'first': first})
cbs = cbs[cbs['first'] <= split]
cbs['x'] = g.count().reindex(cbs.index) - 1
cbs['t_x'] = (g.max().reindex(cbs.index) - cbs['first']).dt.days / 7.0
cbs['T'] = (split - cbs['first']).dt.days / 7.0
cbs = cbs.join(cov.set_index('Id'))
cbs = cbs.sort_index()
print(len(cbs), cbs.x.sum(), cbs[['Gender','Channel']].mean().values)
cbs[['x','t_x','T','Gender','Channel']].reset_index().to_csv(OUT, index=False, float_format='%.17g')

x = cbs.x.values.astype(float); tx = cbs.t_x.values; T = cbs['T'].values
Z = cbs[['Gender','Channel']].values.astype(float)

def ll_ind(r, a, s, b, x, tx, T):
    # FHL 2005 note eq. 22, with the alpha >= beta / alpha < beta branches
    out = np.empty_like(x)
    for i in range(len(x)):
        ai, bi = a[i], b[i]
        if ai >= bi:
            F = lambda t: hyp2f1(r+s+x[i], s+1, r+s+x[i]+1, (ai-bi)/(ai+t)) / (ai+t)**(r+s+x[i])
        else:
            F = lambda t: hyp2f1(r+s+x[i], r+x[i], r+s+x[i]+1, (bi-ai)/(bi+t)) / (bi+t)**(r+s+x[i])
        A0 = F(tx[i]) - F(T[i])
        brk = 1.0/((ai+T[i])**(r+x[i]) * (bi+T[i])**s) + s/(r+s+x[i]) * A0
        out[i] = gammaln(r+x[i]) - gammaln(r) + r*np.log(ai) + s*np.log(bi) + np.log(brk)
    return out

def nll(theta):
    r, a0, s, b0 = np.exp(theta[:4])
    g1 = theta[4:6]; g2 = theta[6:8]
    a = a0*np.exp(-Z@g1); b = b0*np.exp(-Z@g2)
    v = -ll_ind(r, a, s, b, x, tx, T).sum()
    return v if np.isfinite(v) else 1e100

best = None
for st in [[0,0,0,0], [np.log(0.5), np.log(10), np.log(0.5), np.log(10)], [np.log(1), np.log(5), np.log(1), np.log(50)]]:
    res = minimize(nll, np.array(st + [0,0,0,0], float), method='BFGS', options={'gtol':1e-9, 'maxiter':5000})
    res = minimize(nll, res.x, method='Nelder-Mead', options={'xatol':1e-10,'fatol':1e-12,'maxiter':20000,'maxfev':40000})
    res = minimize(nll, res.x, method='BFGS', options={'gtol':1e-10})
    print(st, -res.fun, res.x)
    if best is None or res.fun < best.fun: best = res
th = best.x
n = len(th); h = 1e-4; H = np.zeros((n,n))
for i in range(n):
    for j in range(n):
        e_i = np.eye(n)[i]*h; e_j = np.eye(n)[j]*h
        H[i,j] = (nll(th+e_i+e_j) - nll(th+e_i-e_j) - nll(th-e_i+e_j) + nll(th-e_i-e_j))/(4*h*h)
C = np.linalg.inv(H)
p = np.concatenate([np.exp(th[:4]), th[4:]])
J = np.concatenate([np.exp(th[:4]), np.ones(4)])
se = np.sqrt(np.diag(C))*J
names = ['r','alpha','s','beta','alpha:Gender','alpha:Channel','beta:Gender','beta:Channel']
for nm, v, e in zip(names, p, se): print(f'{nm:15s} {v:.10f} {e:.6f}')
print('Pareto/NBD LL', -best.fun)


# BG/NBD with the purchase covariates only: alpha_i = alpha0 exp(-g1'z), a and b common (FHL 2005
# eq. 6 written out with scipy.special).
from scipy.special import betaln
def nll_bg(th):
    r, al0, a0, b0 = np.exp(th[:4])
    al = al0*np.exp(-Z@th[4:6]); a = a0; b = b0
    A = gammaln(r+x) - gammaln(r) + r*np.log(al) + betaln(a, b+x) - betaln(a, b) - (r+x)*np.log(al+T)
    with np.errstate(all='ignore'):
        D = np.where(x > 0, np.log(a) - np.log(np.maximum(b+x-1, 1e-300)) + (r+x)*(np.log(al+T) - np.log(al+tx)), -np.inf)
    v = -(A + np.logaddexp(0.0, D)).sum()
    return v if np.isfinite(v) else 1e100
best = None
for st in [[0,0,0,0],[np.log(0.5),np.log(10),np.log(0.5),np.log(2)],[np.log(2),np.log(50),np.log(1),np.log(5)]]:
    res = minimize(nll_bg, np.array(st+[0]*2, float), method='BFGS', options={'gtol':1e-10,'maxiter':10000})
    res = minimize(nll_bg, res.x, method='Nelder-Mead', options={'xatol':1e-11,'fatol':1e-13,'maxiter':40000,'maxfev':80000})
    res = minimize(nll_bg, res.x, method='BFGS', options={'gtol':1e-11})
    print(-res.fun, res.x)
    if best is None or res.fun < best.fun: best = res
th = best.x; n = len(th); h = 1e-4; H = np.zeros((n,n))
for i in range(n):
    for j in range(n):
        ei = np.eye(n)[i]*h; ej = np.eye(n)[j]*h
        H[i,j] = (nll_bg(th+ei+ej)-nll_bg(th+ei-ej)-nll_bg(th-ei+ej)+nll_bg(th-ei-ej))/(4*h*h)
C = np.linalg.inv(H)
p = np.concatenate([np.exp(th[:4]), th[4:]]); J = np.concatenate([np.exp(th[:4]), np.ones(2)])
se = np.sqrt(np.diag(C))*J
for nm, v, e in zip(['r','alpha','a','b','alpha:Gender','alpha:Channel'], p, se):
    print(f'{nm:15s} {v:.10f} {e:.6f}')
print('BG/NBD LL', -best.fun)
