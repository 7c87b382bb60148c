//! The nominal ranking with its explanations: reasons, constraint effects, margins and the
//! changes that would move a district across the line.

use super::prepare::{Prepared, prepare};
use super::select::{Constraint, OrderBuf, Pick, Selector, Steps};
use super::{Candidate, ConstraintEffect, Method, RankedEntry, Ranking, Reason, Scenario, Weights};
use crate::error::Result;

/// See [`super::rank`].
pub(super) fn rank(candidates: &[Candidate], scenario: &Scenario) -> Result<Ranking> {
    let prep = prepare(candidates, scenario)?;
    let n = prep.len();
    let plan = &prep.plan;
    let mut scores = vec![0.0; n];
    prep.scorer
        .score_all(prep.columns(), &mut scores, &mut Vec::new());
    let mut ob = OrderBuf::default();
    ob.compute(&scores, &prep.stunting);
    let order = &ob.order;

    // Constraint effects: start from the unconstrained top k and switch the active constraints
    // on one at a time, in the fixed order; each reports the difference it made to the
    // selection before it. Each prefix is feasible because the full set is.
    let mut sel = Selector::new(n, plan.n_provinces);
    let mut steps = Steps::default();
    sel.run(plan, steps, order);
    let mut previous = selected_flags(&sel);
    let mut before_min = None;
    let mut effects = Vec::with_capacity(prep.active.len());
    for &c in &prep.active {
        steps.enable(c);
        sel.run(plan, steps, order);
        let current = selected_flags(&sel);
        effects.push(effect(c, &previous, &current, order, &prep));
        if c == Constraint::MinPerProvince {
            before_min = Some(std::mem::replace(&mut previous, current));
        } else {
            previous = current;
        }
    }
    // `sel` now holds the selection under every active constraint.

    let reasons: Vec<Reason> = (0..n)
        .map(|i| match sel.state[i] {
            Pick::Included => Reason::Included,
            // Taken by the minimum step but also selected without the minimum: in on score.
            Pick::Minimum if before_min.as_ref().is_some_and(|b| !b[i]) => Reason::MinPerProvince,
            Pick::Minimum | Pick::Score => Reason::TopK,
            Pick::Out | Pick::CapSkipped if plan.excluded[i] => Reason::Excluded,
            Pick::Out | Pick::CapSkipped if plan.below_min_spbe[i] => Reason::BelowMinSpbe,
            Pick::CapSkipped => Reason::ProvinceCap,
            Pick::Out => Reason::BelowCutoff,
        })
        .collect();

    let mut ranks = vec![0u32; n];
    sel.write_ranks(plan.k, order, &mut ranks);

    let selected = |i: usize| sel.state[i].selected();
    // The line a district would have to cross on score: the lowest district in on score for
    // those out on score, the best district out on score for those in on score.
    let lowest_in = (0..n)
        .filter(|&i| reasons[i] == Reason::TopK)
        .map(|i| scores[i])
        .reduce(f64::min);
    let best_out = (0..n)
        .filter(|&i| reasons[i] == Reason::BelowCutoff)
        .map(|i| scores[i])
        .reduce(f64::max);
    // The cut-off lies between the two districts the score separates: a district forced in
    // from far down must not drag it to its own score.
    let cutoff_score = match (lowest_in, best_out) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => (0..n)
            .filter(|&i| selected(i))
            .map(|i| scores[i])
            .fold(f64::INFINITY, f64::min),
    };
    let mut data_rank = vec![0usize; n];
    for (pos, &i) in order.iter().enumerate() {
        data_rank[i as usize] = pos + 1;
    }

    let mut entries: Vec<RankedEntry> = (0..n)
        .map(|i| {
            let row = prep.columns().row(i);
            let target = match reasons[i] {
                Reason::TopK => best_out,
                Reason::BelowCutoff => lowest_in,
                _ => None,
            };
            let (ds, dd) = match target {
                Some(t) => prep.scorer.change_to_reach(row, scores[i], t),
                None => (None, None),
            };
            RankedEntry {
                code: prep.codes[i].to_string(),
                rank: ranks[i] as usize,
                data_rank: data_rank[i],
                score: scores[i],
                selected: selected(i),
                reason: reasons[i],
                contributions: prep.scorer.contributions(row),
                margin: scores[i] - cutoff_score,
                stunting_change_to_cross: ds,
                spbe_change_to_cross: dd,
            }
        })
        .collect();
    entries.sort_unstable_by_key(|e| e.rank);

    let weights_used = match prep.spec.method {
        Method::Composite => prep.weights,
        Method::Need | Method::Residual => Weights::two(1.0, 0.0),
        Method::Burden => Weights {
            burden: 1.0,
            ..Weights::two(0.0, 0.0)
        },
        Method::Trend => Weights {
            trend: 1.0,
            ..Weights::two(0.0, 0.0)
        },
    };
    Ok(Ranking {
        entries,
        cutoff_score,
        weights_used,
        constraint_effects: effects,
    })
}

fn selected_flags(sel: &Selector) -> Vec<bool> {
    sel.state.iter().map(|p| p.selected()).collect()
}

/// Codes that entered and left between two selections, each list in priority order.
fn effect(
    c: Constraint,
    before: &[bool],
    after: &[bool],
    order: &[u32],
    prep: &Prepared<'_>,
) -> ConstraintEffect {
    let mut brought_in = Vec::new();
    let mut pushed_out = Vec::new();
    for &i in order {
        let i = i as usize;
        match (before[i], after[i]) {
            (false, true) => brought_in.push(prep.codes[i].to_string()),
            (true, false) => pushed_out.push(prep.codes[i].to_string()),
            _ => {}
        }
    }
    ConstraintEffect {
        constraint: c.name().to_string(),
        brought_in,
        pushed_out,
    }
}
