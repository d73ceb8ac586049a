"""A synthetic appointment history with published no-show patterns, and the honest evaluation
of the no-show model on it (issue 18, item 3): `python -m bench.no_shows [--customers N]`
prints AUC, PR-AUC, Brier and the calibration table of a time-based split (train on the
first ~80 % of appointments by start, test on the newest ~20 %) for the published prior, the
logistic regression and the gradient boosting. Seeded: the same figures every run.

The generator's assumptions (issue 18's anchors; each one a knob below):
- ~20 % of the appointments that are not cancelled are missed (Vitória-ES public data, 110 k
  appointments, and most clinic studies: 15-30 %).
- Lead time is the strongest single factor: booked the same day ~5 % are missed, 1-3 days
  ~12 %, 4-13 days ~20 %, 2-4 weeks ~30 %, further ahead ~33 % (Vitória-ES).
- How far ahead people book (LEAD_MIX): about a third the same day, as in the Vitória-ES
  data, the rest from the next day to two months ahead.
- Customers differ and keep their habits: each has a persistent propensity, normal on the
  log-odds scale (sd PROPENSITY_SD), so those who missed before miss again, the strongest
  predictor in Nelson et al. (npj Digital Medicine 2019). Nobody's propensity is observed,
  only their past outcomes; with these numbers a customer who missed before misses ~27 % of
  the time against ~11 % for one who never did (2-3x, as clinic studies report).
- A first visit is missed more often than a return (+0.3 log-odds).
- Mondays and Fridays are missed a little more, Saturdays a little less; early mornings
  (before 9 h), lunch time and late afternoons a little more (±0.1-0.2 log-odds).
- Services and professionals differ slightly (a follow-up "retorno" is missed less, an exam
  more; one professional's customers miss a little more).
- ~10 % of appointments are cancelled, more of those booked far ahead; a cancellation is not
  a no-show and teaches the model nothing but the customer's history.
- Customers come back every ~2 months (exponential gaps), up to 1 + Poisson(VISITS) visits, over
  two years; opening hours 8-18 h, Monday to Saturday.
- No confirmations or reminders: an imported history has none, so the figures hold for a
  clinic's first model, before this product's reminders add their signal.
"""

from __future__ import annotations

import argparse
import math
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.insights import model as no_show_model
from domain.insights.evaluation import Evaluation, measure
from domain.insights.features import Visit, featurize, label, lead_bucket
from domain.insights.prior import PRIOR

ZONE = ZoneInfo("America/Sao_Paulo")
BEGIN = datetime(2024, 1, 1, tzinfo=UTC)
DAYS = 730
PROPENSITY_SD = 1.4
VISITS = 6.0
BY_LEAD = {"same_day": 0.05, "1-3d": 0.12, "4-13d": 0.2, "14-28d": 0.3, "29d+": 0.33}
LEAD_MIX = ((0, 0, 0.35), (1, 3, 0.15), (4, 13, 0.2), (14, 28, 0.18), (29, 60, 0.12))
FIRST_VISIT = 0.3
WEEKDAY = {0: 0.15, 4: 0.1, 5: -0.1}
SERVICES = {"consulta": 0.0, "retorno": -0.3, "exame": 0.15, "procedimento": -0.1}
PROFESSIONALS = {"Dra. Ana": 0.0, "Dr. Bruno": 0.2, "Dra. Clara": -0.1, "Dr. Davi": 0.0}
# Shifts every log-odds so that ~20 % are missed overall, given the mix above.
SHIFT = -0.5


def _hour_effect(hour: int) -> float:
    if hour < 9:
        return 0.2
    if 12 <= hour < 14:
        return 0.1
    if hour >= 17:
        return 0.15
    return 0.0


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def history(customers: int = 3000, seed: int = 18) -> list[Visit]:
    """The appointments of `customers` customers over two years from 2024-01-01."""
    rng = random.Random(seed)
    visits: list[Visit] = []
    for c in range(customers):
        propensity = rng.gauss(0.0, PROPENSITY_SD)
        phone = f"55119{c:08d}"
        day = rng.uniform(0, DAYS * 0.9)
        for n in range(1 + _poisson(rng, VISITS)):
            if day >= DAYS:
                break
            visits.append(_visit(rng, len(visits) + 1, phone, day, n == 0, propensity))
            day += rng.expovariate(1 / 60)
    return visits


def _visit(
    rng: random.Random, number: int, phone: str, day: float, first: bool, propensity: float
) -> Visit:
    local = (BEGIN + timedelta(days=int(day))).astimezone(ZONE)
    while local.weekday() == 6:  # closed on Sundays
        local += timedelta(days=1)
    start = local.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 30)), second=0)
    low, high, _ = rng.choices(LEAD_MIX, weights=[w for *_, w in LEAD_MIX])[0]
    lead_days = rng.randint(low, high)
    booked = start - timedelta(days=lead_days, hours=rng.uniform(0, 2 if lead_days == 0 else 8))
    service = rng.choice(list(SERVICES))
    professional = rng.choice(list(PROFESSIONALS))
    odds = _logit(BY_LEAD[lead_bucket(lead_days)]) + propensity + SHIFT
    odds += FIRST_VISIT * first + WEEKDAY.get(start.weekday(), 0.0) + _hour_effect(start.hour)
    odds += SERVICES[service] + PROFESSIONALS[professional]
    if rng.random() < 0.06 + 0.002 * lead_days:
        status = "cancelled"
    else:
        status = "no_show" if rng.random() < 1 / (1 + math.exp(-odds)) else "completed"
    return Visit(number, phone, start, booked, status, service, professional)


def as_import(visits: list[Visit]) -> list[dict[str, str]]:
    """The history as POST /api/agenda/import takes it (the JSON form's rows)."""
    words = {"completed": "attended", "no_show": "no_show", "cancelled": "cancelled"}
    return [
        {
            "phone": v.phone,
            "name": f"Cliente {v.phone[-4:]}",
            "start": v.start.isoformat(),
            "end": (v.start + timedelta(minutes=30)).isoformat(),
            "booked_at": v.booked.isoformat(),
            "status": words.get(v.status, "scheduled"),
            "service": v.service or "",
            "professional": v.professional or "",
            "external_id": f"syn-{v.id}",
        }
        for v in visits
    ]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: enough for a small mean, and seeded like the rest.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def split_evaluation(visits: list[Visit], algorithm: str | None = None) -> Evaluation:
    """The time-based split the README reports: train on the older ~80 % of the labelled
    appointments (by start), test on the newest ~20 %; `algorithm` None is the prior."""
    rows = featurize(visits, ZONE)
    chosen = no_show_model.labelled(visits, datetime.max.replace(tzinfo=UTC))
    outcomes = [int(label(visits[i]) or 0) for i in chosen]
    cut = int(len(chosen) * (1 - no_show_model.HOLDOUT))
    test = [rows[i] for i in chosen[cut:]]
    if algorithm is None:
        return measure(PRIOR.risks(test), outcomes[cut:])
    train = [rows[i] for i in chosen[:cut]]
    fitted = no_show_model.fit(train, outcomes[:cut], algorithm, "bench")
    return measure(fitted.risks(test), outcomes[cut:])


def _print(name: str, figures: Evaluation) -> None:
    print(
        f"{name}: n={figures.size} no-show rate={figures.no_show_rate:.3f} "
        f"AUC={figures.auc} PR-AUC={figures.pr_auc} Brier={figures.brier}"
    )
    for band in figures.calibration:
        print(
            f"  {band.low:.1f}-{band.high:.1f}: {band.count:6d} "
            f"predicted {band.predicted} observed {band.observed}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    visits = history(args.customers, args.seed)
    print(f"{len(visits)} appointments, {sum(label(v) is not None for v in visits)} labelled")
    _print("published prior", split_evaluation(visits))
    _print("logistic regression", split_evaluation(visits, "logistic"))
    _print("gradient boosting", split_evaluation(visits, "gradient_boosting"))


if __name__ == "__main__":
    main()
