"""Reviewing in a real browser, from the keyboard alone: 50 faces decided and audited one keypress each, a teammate's
change refused without overwriting it, a bulk decision in the grid, and a commit that stops the stale tab.

The label-quality job is made in the database (no cross-fit here); the live Studio serves its ranking.
"""

import re
import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from tests.browser.conftest import sign_in, wait_for_true
from tests.live_jobs import face_version_create, use_live_media
from tests.review_factories import predictions_create, scoring_succeeded_create
from tests.run_factories import finished_run_create
from tests.stack import LiveStudio
from webapp.accounts.models import Team, User
from webapp.datasets.models import DatasetVersion
from webapp.reviews import services
from webapp.reviews.models import LabelScoring, ReviewCommit, ReviewDecision, ReviewEvent
from webapp.runs.models import Run

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLASS_KEYS = "1234567"
# Keypresses in order: a decision key decides the face shown and moves on; "u" undoes the face shown; arrows and
# j/k move. 51 decision keys over 50 faces: the 20th face is decided, undone after going back to it, decided again.
MIX = [*"1234567", "0", " ", *"3456", "x", " ", "7", "X", " "]
DECISIONS = (MIX * 3)[:51]
KEYS = [*DECISIONS[:20], "ArrowLeft", "u", DECISIONS[20], "k", "j", *DECISIONS[21:]]


SCORING_SETTINGS = {"model": "mini_resemotenet_c", "width_mult": None, "epochs": 30, "input_size": 64}


@pytest.fixture
def version(team: Team, alice: User, live_studio: LiveStudio, settings: Settings) -> DatasetVersion:
    use_live_media(settings, live_studio)
    return face_version_create(team=team, user=alice, per_class=9)  # 63 faces


@pytest.fixture
def scoring(version: DatasetVersion) -> LabelScoring:
    return scoring_succeeded_create(version=version, flagged=20)


def _open_reviewer(page: Page, studio: LiveStudio, version: DatasetVersion, scoring: LabelScoring) -> None:
    page.goto(f"{studio.url}/review/versions/{version.pk}/?scoring={scoring.pk}")
    expect(page.locator("#position")).to_have_text(f"Face 1 of {version.item_count}")


def _shown(page: Page) -> int:
    return int(page.locator("#face-image").get_attribute("data-item") or 0)


def _wait_saved(page: Page) -> None:
    wait_for_true(page, "window.reviewer.faces.inFlight === 0", timeout=30)


def _expected(key: str, given: int) -> tuple[str, int | None]:
    if key in CLASS_KEYS:
        label = CLASS_KEYS.index(key)
        return ("keep", None) if label == given else ("relabel", label)
    return ("keep", None) if key == " " else ("exclude", None)


# Time from each keydown to the next face on the page (the position's text changes), measured inside the page.
LATENCY_PROBE = """() => {
  window.keyLatencies = [];
  let pressedAt = null;
  document.addEventListener("keydown", () => { pressedAt = performance.now(); }, true);
  new MutationObserver(() => {
    if (pressedAt !== null) { window.keyLatencies.push(performance.now() - pressedAt); pressedAt = null; }
  }).observe(document.getElementById("position"), { childList: true, characterData: true, subtree: true });
}"""


def test_it_reviews_fifty_faces_from_the_keyboard_alone(
    page: Page, live_studio: LiveStudio, alice: User, version: DatasetVersion, scoring: LabelScoring
) -> None:
    labels = dict(version.items.values_list("pk", "label"))
    ranked = list(scoring.scores.order_by("rank").values_list("item_id", flat=True))
    sign_in(page, live_studio)
    _open_reviewer(page, live_studio, version, scoring)
    page.evaluate(LATENCY_PROBE)
    # The page keeps a page of faces ahead; a robot's 40 keys a second should not outrun its first prefetch.
    wait_for_true(page, "window.reviewer.faces.done")

    expected: dict[int, tuple[str, int | None]] = {}
    started = time.perf_counter()
    for step, key in enumerate(KEYS):
        item = _shown(page)
        page.keyboard.press("Space" if key == " " else key)
        if key in ("ArrowLeft", "k", "j", "u"):
            if key == "u":
                expected.pop(item)
            continue
        expected[item] = _expected(key, labels[item])
        assert _shown(page) == ranked[ranked.index(item) + 1], f"key {step} ({key!r}) shows the next face at once"
    keyed = time.perf_counter() - started
    _wait_saved(page)
    saved = time.perf_counter() - started

    decisions = {d.item_id: (d.action, d.label) for d in ReviewDecision.objects.filter(version=version)}
    assert len(expected) == 50
    assert decisions == expected
    assert list(ranked[:50]) == sorted(expected, key=ranked.index)
    events = list(ReviewEvent.objects.filter(version=version).order_by("id"))
    assert len(events) == len(DECISIONS) + 1  # one entry per decision key, and the undo
    assert [event.action for event in events].count("undo") == 1
    assert {event.scoring_id for event in events if event.action != "undo"} == {scoring.pk}
    expect(page.locator("#session-count")).to_have_text(f"{len(DECISIONS)} decisions")
    expect(page.locator("#session-rate")).to_have_text(re.compile(r"^[\d,]+ faces/h$"))
    latencies = sorted(page.evaluate("window.keyLatencies"))
    median, slowest = latencies[len(latencies) // 2], latencies[-1]
    rate = 50 / keyed * 3600
    # The timing is this test's report (run with -s to see it): how long a person would wait on the page.
    print(  # noqa: T201
        f"\n50 faces from the keyboard: {keyed:.2f} s of keypresses ({rate:,.0f} faces/h), all saved after "
        f"{saved:.2f} s; keydown → next face: median {median:.1f} ms, max {slowest:.1f} ms"
    )
    assert rate >= 600


def test_it_refuses_to_overwrite_a_teammates_change_and_shows_it(
    page: Page, live_studio: LiveStudio, alice: User, bob: User, version: DatasetVersion, scoring: LabelScoring
) -> None:
    first = scoring.scores.get(rank=1).item
    fear = 2 if first.label != 2 else 4
    sign_in(page, live_studio)
    _open_reviewer(page, live_studio, version, scoring)
    assert _shown(page) == first.pk
    services.review_decide(version=version, item=first, user=bob, action="relabel", label=fear, expected_revision=0)

    page.keyboard.press("3")
    banner = page.locator("#conflict-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("bob@example.com changed this face meanwhile")
    expect(banner).to_contain_text("Nothing was overwritten")
    expect(page.locator("#position")).to_have_text(f"Face 1 of {version.item_count}")  # taken back to it
    assert _shown(page) == first.pk
    names = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
    expect(page.locator("#face-decision")).to_have_text(f"Relabelled → {names[fear]} · by bob@example.com")
    decision = ReviewDecision.objects.get(version=version, item=first)
    assert (decision.action, decision.label, decision.decided_by, decision.revision) == ("relabel", fear, bob, 1)
    assert ReviewEvent.objects.filter(version=version).count() == 1

    page.keyboard.press("Escape")
    expect(banner).to_be_hidden()
    page.keyboard.press("Space")  # now seen: alice may keep the label after all
    _wait_saved(page)
    decision.refresh_from_db()
    assert (decision.action, decision.decided_by, decision.revision) == ("keep", alice, 2)


def test_it_decides_several_faces_at_once_in_the_grid(
    page: Page, live_studio: LiveStudio, alice: User, version: DatasetVersion, scoring: LabelScoring
) -> None:
    ranked = list(scoring.scores.order_by("rank").values_list("item_id", flat=True))
    sign_in(page, live_studio)
    _open_reviewer(page, live_studio, version, scoring)
    page.keyboard.press("g")
    thumbs = page.locator("#thumbs .thumb")
    expect(thumbs).to_have_count(48)
    thumbs.nth(0).click()
    thumbs.nth(3).click(modifiers=["Shift"])
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # the cursor on the sixth face
    page.keyboard.press("Space")
    expect(page.locator("#grid-selected")).to_have_text("5 selected")
    page.keyboard.press("5")
    expect(page.locator("#grid-selected")).to_have_text("0 selected")
    chosen = [*ranked[:4], ranked[5]]
    decided = dict(ReviewDecision.objects.filter(version=version).values_list("item_id", "label"))
    assert sorted(decided) == sorted(chosen)
    assert all(label in (4, None) for label in decided.values())  # sad, or kept where sad was the label already
    expect(thumbs.nth(5).locator(".thumb-decision")).to_have_text(re.compile(r"^(→ sad|kept)$"))
    page.keyboard.press("g")
    expect(page.locator("#single-view")).to_be_visible()
    assert _shown(page) == ranked[5]


def test_it_commits_the_review_and_stops_the_stale_tab(
    page: Page, live_studio: LiveStudio, alice: User, version: DatasetVersion, scoring: LabelScoring
) -> None:
    ranked = list(scoring.scores.order_by("rank").values_list("item_id", flat=True))
    labels = dict(version.items.values_list("pk", "label"))
    earlier = finished_run_create(team=version.team, dataset_version=version, accuracy=0.6)
    sign_in(page, live_studio)
    _open_reviewer(page, live_studio, version, scoring)
    relabel_to = (labels[ranked[0]] + 1) % 7
    page.keyboard.press(CLASS_KEYS[relabel_to])
    page.keyboard.press("x")
    page.keyboard.press("Space")
    _wait_saved(page)

    index = page.context.new_page()
    index.goto(f"{live_studio.url}/review/?version={version.pk}")
    expect(index.locator('[data-count="events"]')).to_have_text("3")
    index.get_by_role("button", name="Commit the review").click()
    notice = index.locator("#commit-notice")
    expect(notice).to_contain_text("v1 was committed as v2 by alice@example.com: 1 relabelled, 1 excluded.")
    index.get_by_role("button", name="Train on v2").click()  # with the settings of the job trained on v1
    queued = index.locator("#commit-result [data-role=result]")
    expect(queued).to_contain_text(f"is queued on v2 with job #{earlier.pk}'s settings.")

    commit = ReviewCommit.objects.get(version=version)
    retrained = Run.objects.get(dataset_version=commit.new_version)
    # Its settings are what matters here, not its training: the worker stops a job that is no longer running.
    Run.objects.filter(pk=retrained.pk).update(status=Run.Status.CANCELLED, finished_at=timezone.now())
    assert {**retrained.config, "log_every": 0} == {**earlier.config, "log_every": 0}
    after = dict(commit.new_version.items.values_list("name", "label"))
    names = dict(version.items.values_list("pk", "name"))
    assert after[names[ranked[0]]] == relabel_to
    assert names[ranked[1]] not in after
    assert after[names[ranked[2]]] == labels[ranked[2]]
    assert len(after) == version.item_count - 1

    page.bring_to_front()
    page.keyboard.press("1")
    banner = page.locator("#committed-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("v1 was committed as v2")
    expect(banner.get_by_role("link", name="Review v2")).to_have_attribute(
        "href", f"/review/versions/{commit.new_version.pk}/"
    )
    _wait_saved(page)
    assert ReviewEvent.objects.filter(version=version).count() == 3  # nothing more landed on v1


def _elsewhere(work: Callable[[], object]) -> None:
    """Run `work` in a thread of its own, as a worker would: Playwright's event loop here refuses to publish events."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not failures, failures


def test_the_review_page_follows_a_scoring_live_refuses_bad_folds_and_opens_a_confusion_cell(
    page: Page, live_studio: LiveStudio, alice: User, version: DatasetVersion
) -> None:
    run = finished_run_create(team=version.team, dataset_version=version, accuracy=0.6)
    wrong = [p for p in predictions_create(run=run) if p.split == 2 and p.label != p.predicted]
    cells = Counter((p.label, p.predicted) for p in wrong)
    (given, predicted), count = cells.most_common(1)[0]
    now = timezone.now()
    scoring = LabelScoring.objects.create(
        team=version.team, version=version, config=SCORING_SETTINGS, status=LabelScoring.Status.RUNNING,
        started_at=now, heartbeat_at=now, worker_hostname=live_studio.worker_hostname,
    )  # fmt: skip
    sign_in(page, live_studio)
    page.goto(f"{live_studio.url}/review/?version={version.pk}")
    row = page.locator(f'tr[data-scoring-id="{scoring.pk}"]')
    expect(row.locator("[data-role=status]")).to_have_text("Running")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")

    progress = {"stage": "training", "fold": 3, "folds": 4, "epoch": 7, "epochs": 30, "step": 1, "steps_per_epoch": 4,
                "fraction": 0.55, "elapsed_s": 60.0, "eta_s": 50.0}  # fmt: skip
    _elsewhere(lambda: services.label_scoring_progress(scoring_id=scoring.pk, progress=progress))
    expect(row.locator("[data-role=progress]")).to_have_text("fold 3 of 4 · epoch 7/30 · about 50 s left")
    items = list(version.items.values_list("pk", flat=True))
    rows = [services.ScoreRow(pk, rank, rank / 100, 0.5, 0.0, rank <= 5, 0, [1 / 7] * 7) for rank, pk in
            enumerate(items, start=1)]  # fmt: skip
    summary = {"faces": len(rows), "flagged": 5, "seconds": 90.0}
    _elsewhere(lambda: services.label_scoring_succeed(scoring_id=scoring.pk, rows=rows, summary=summary))
    expect(row.locator("[data-role=status]")).to_have_text("Succeeded")
    expect(row.locator("[data-role=flagged]")).to_have_text("5")
    expect(row.get_by_role("link", name="Review ranking")).to_be_visible()
    expect(row.get_by_role("button", name="Cancel")).to_be_hidden()

    page.get_by_text(f"Start a label-quality job on {version.label}").click()
    page.get_by_label("Folds").fill("10")
    page.get_by_role("button", name="Start scoring").click()
    folds = page.locator("#scoring-form .field-invalid")
    expect(folds).to_contain_text("These classes have fewer faces than the 10 folds")
    assert LabelScoring.objects.filter(version=version).count() == 1

    cell = page.locator(f'table[data-run="{run.pk}"] tbody tr').nth(given).locator("td").nth(predicted)
    expect(cell).to_have_text(str(count))
    cell.get_by_role("link").click()
    expect(page.locator("#position")).to_have_text(f"Face 1 of {count}")
    names = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
    expect(page.locator("#face-label")).to_have_text(names[given])
    expect(page.locator("#face-top li").first).to_contain_text(names[predicted])


def test_the_reviewer_fits_1280_by_800_and_every_review_page_fits_a_phone(
    page: Page, live_studio: LiveStudio, alice: User, version: DatasetVersion, scoring: LabelScoring
) -> None:
    run = finished_run_create(team=version.team, dataset_version=version, accuracy=0.6)
    predictions_create(run=run)
    sign_in(page, live_studio)
    _open_reviewer(page, live_studio, version, scoring)
    page.keyboard.press("Escape")
    for selector in ("#face-image", "#face-decision", ".class-buttons", ".other-buttons", "#face-top"):
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 800, f"{selector} is below the fold at 1280×800"
    assert page.evaluate("document.documentElement.scrollHeight") <= 800

    page.set_viewport_size({"width": 390, "height": 844})
    paths = [
        f"/review/?version={version.pk}",
        f"/review/versions/{version.pk}/?scoring={scoring.pk}",
        f"/review/versions/{version.pk}/?run={run.pk}&given=0&predicted=0&split=2",
        f"/datasets/{version.dataset_id}/",
        f"/models/compare/?runs={run.pk}",
    ]
    for path in paths:
        page.goto(live_studio.url + path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide at 390 px"
    _open_reviewer(page, live_studio, version, scoring)
    page.keyboard.press("g")
    expect(page.locator("#thumbs .thumb").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
