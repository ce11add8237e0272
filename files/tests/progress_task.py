"""A small real Celery task that walks a processing task through the pipeline's stages,
reporting each step through `files.progress`. The live stack test starts a worker with
`--include files.tests.progress_task` and watches the steps arrive over a socket; the
progress tests call it in-process."""

from __future__ import annotations

from celery import shared_task

from files.progress import ProgressReporter

# (stage, progress at its start, progress at its end): SPEC section 7's ranges.
STAGES = (("read", 0, 20), ("extract", 20, 80), ("validate", 80, 90), ("save", 90, 95))


def expected_steps() -> list[tuple[str, str, int]]:
    """(type, stage, progress) of every message `report_every_stage` sends, in order."""
    steps = []
    for stage, start, end in STAGES:
        middle = (start + end) // 2
        steps += [("stage_start", stage, start), ("progress", stage, middle), ("stage_complete", stage, end)]
    return [*steps, ("complete", "complete", 100)]


@shared_task(name="files.tests.progress_task.report_every_stage")
def report_every_stage(task_id: str) -> None:
    reporter = ProgressReporter.for_task(task_id)
    for stage, start, end in STAGES:
        reporter.report("stage_start", stage, start, f"Starting {stage}")
        reporter.report("progress", stage, (start + end) // 2, f"Half way through {stage}")
        reporter.report("stage_complete", stage, end, f"Finished {stage}")
    reporter.report("complete", "complete", 100, "Done", result={"pages": 1, "stages": len(STAGES)})
