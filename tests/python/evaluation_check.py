"""Independent check of Lokus' evaluation: the same data through `rdrobust` and `statsmodels`.

Reads JSON on stdin:
  {"x": [...], "y": [...],                       # running variable (score − cut-off), change
   "did": {"cluster": [...], "treated": [...], "before": [...], "after": [...]}}
and prints JSON with rdrobust's defaults (p=1, q=2, triangular, mserd, vce nn with 3
neighbours) and statsmodels' OLS with cluster-robust covariance (its default correction) on
the stacked 2x2 panel y ~ 1 + treated + post + treated:post.

Run by tests/api/evaluation.rs in the venv of .ci/python.sh (target/ci-venv).
"""

import json
import sys
import warnings

import numpy as np
import statsmodels.api as sm
from rdrobust import rdrobust

warnings.simplefilter("ignore")


def main() -> None:
    data = json.load(sys.stdin)
    x = np.asarray(data["x"], dtype=float)
    y = np.asarray(data["y"], dtype=float)
    rd = rdrobust(y, x)
    coef = rd.coef.iloc[:, 0].to_numpy()
    se = rd.se.iloc[:, 0].to_numpy()
    ci = rd.ci.to_numpy()
    out = {
        "rd": {
            "estimate": float(coef[0]),
            "se": float(se[0]),
            "estimate_bc": float(coef[1]),
            "se_robust": float(se[2]),
            "ci_conventional": [float(ci[0, 0]), float(ci[0, 1])],
            "ci_robust": [float(ci[2, 0]), float(ci[2, 1])],
            "bandwidth": float(rd.bws.iloc[0, 0]),
            "bandwidth_bias": float(rd.bws.iloc[1, 0]),
            "n_left": int(rd.N_h[0]),
            "n_right": int(rd.N_h[1]),
        }
    }
    did = data["did"]
    treated = np.asarray(did["treated"], dtype=float)
    cluster = np.asarray(did["cluster"])
    before = np.asarray(did["before"], dtype=float)
    after = np.asarray(did["after"], dtype=float)
    n = len(treated)
    post = np.concatenate([np.zeros(n), np.ones(n)])
    group = np.concatenate([treated, treated])
    design = np.column_stack([np.ones(2 * n), group, post, group * post])
    outcome = np.concatenate([before, after])
    groups = np.unique(np.concatenate([cluster, cluster]), return_inverse=True)[1]
    fit = sm.OLS(outcome, design).fit(cov_type="cluster", cov_kwds={"groups": groups})
    lo, hi = fit.conf_int()[3]
    out["did"] = {
        "estimate": float(fit.params[3]),
        "se": float(fit.bse[3]),
        "ci": [float(lo), float(hi)],
        "clusters": int(len(np.unique(groups))),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
