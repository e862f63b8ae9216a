"""Which queue GPU work waits in: `gpu` while a GPU worker lives, else `cpu` when a CPU worker does."""

import pytest

from webapp.system import selectors
from webapp.system.models import WorkerHeartbeat


@pytest.mark.usefixtures("redis")
def test_it_queues_on_the_gpu_when_a_gpu_worker_is_alive(
    gpu_worker: WorkerHeartbeat, cpu_worker: WorkerHeartbeat
) -> None:
    assert selectors.queue_choose(device="auto") == "gpu"
    assert selectors.queue_choose(device="cpu") == "cpu"


@pytest.mark.usefixtures("redis")
def test_it_queues_on_the_cpu_when_only_cpu_workers_are_alive(cpu_worker: WorkerHeartbeat) -> None:
    assert selectors.queue_choose(device="auto") == "cpu"
    assert selectors.queue_choose(device="cuda") == "gpu"  # asked for a GPU: it waits for one


@pytest.mark.usefixtures("redis")
def test_it_waits_for_a_gpu_worker_when_no_worker_is_alive() -> None:
    assert selectors.queue_choose(device="auto") == "gpu"
