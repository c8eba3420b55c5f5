"""Issue 14 item 5: progress in words, weighted by real work; the gap only when it means something."""

from placement_planner.solver.progress import ProgressState
from placement_planner.ui.status import phase_words, progress_words
from placement_planner.ui.views.summary_panel import figure_text


def test_phases_read_as_words():
    assert phase_words("solved part 12 of 20") == "Placing learners: part 12 of 20"
    assert phase_words("solved part 12 of 20 (Adult Nursing, North West)") == \
        "Placing learners: part 12 of 20 (Adult Nursing, North West)"
    assert phase_words("fair share round 3") == "Fair share: round 3"
    assert phase_words("tier learner_km") == "Shortest travel"
    assert phase_words("preparing") == "Preparing the data"
    assert phase_words("something new") == "Something new"      # unknown wording shown as it comes


def test_no_meaningless_gap_or_infinite_bound():
    text, _ = progress_words(ProgressState("solved part 3 of 20", 0.3, -0.0, float("inf"), 5.0), 60)
    assert "∞" not in text and "gap" not in text and "best -0" not in text
    text, _ = progress_words(ProgressState("solved part 19 of 20", 0.9, 23462.0, 11403.9, 5.0), 60)
    assert "%" not in text            # a part's figures in another goal's units: no gap
    text, _ = progress_words(ProgressState("done", 1.0, 14000.0, 14100.0, 50.0), 60)
    assert "proven within 0.7% of the best possible" in text


def test_the_bar_never_lags_the_clock():
    _, fraction = progress_words(ProgressState("solved part 19 of 20", 0.1, None, None, 45.0), 60)
    assert fraction >= 0.97 * 45 / 60
    _, early = progress_words(ProgressState("solved part 1 of 20", 0.5, None, None, 1.0), 60)
    assert early >= 0.97 * 0.5


def test_time_limit_does_not_claim_a_finished_plan():
    s = {"gap": 0.0, "status": "time_limit"}
    assert "0.0%" not in figure_text("gap", s)
    assert "stopped early" in figure_text("gap", s)
