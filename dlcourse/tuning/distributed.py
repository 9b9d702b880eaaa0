"""keras-tuner's distributed search: a chief serves the oracle, workers run the trials.

    dlcourse tune mlp --max-trials 20 --dir runs/tune --workers 2 --time-limit 3600   # all here
    KERASTUNER_TUNER_ID=chief KERASTUNER_ORACLE_IP=10.0.0.1 KERASTUNER_ORACLE_PORT=8000 \\
        dlcourse tune mlp --max-trials 20 --dir runs/tune --distributed             # on a cluster
    (and on each worker the same command with KERASTUNER_TUNER_ID=tuner0, tuner1, ...)

keras-tuner's own mode: every process runs the same search; the one whose id contains
"chief" holds the oracle and waits, the others ask it for trials over gRPC and share
one budget of `max_trials`. Its chief waits forever for a worker that died mid-trial
(the trial stays RUNNING); a worker restarted with the same id gets that trial back.

`LocalCluster` starts a chief and K workers on 127.0.0.1 and watches them: a worker that
dies is restarted with its id (at most `restarts` times); past that, or past
`time_limit` seconds, every process is stopped and the outcome says so in one line,
with the trials finished so far (a search re-run with the same command resumes).
"""

import dataclasses
import json
import os
import socket
import subprocess
import time
from pathlib import Path

from dlcourse.errors import DLCourseError

ENV_VARS = ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT")
CHIEF = "chief"


def role(distributed):
    """"local", "chief" or "worker", from the KERASTUNER_* variables (checked against `distributed`)."""
    present = [v for v in ENV_VARS if v in os.environ]
    if not distributed:
        if present:
            raise DLCourseError(f"{', '.join(present)} set: add --distributed to join that search, "
                                "or unset them to search alone.")
        return "local"
    missing = [v for v in ENV_VARS if v not in os.environ]
    if missing:
        raise DLCourseError(
            f"--distributed reads {', '.join(missing)}: e.g. KERASTUNER_TUNER_ID=chief (tuner0, tuner1, ... on "
            "the workers) KERASTUNER_ORACLE_IP=127.0.0.1 KERASTUNER_ORACLE_PORT=8000; or start them all here "
            "with --workers K.")
    return "chief" if CHIEF in os.environ["KERASTUNER_TUNER_ID"] else "worker"


@dataclasses.dataclass
class ClusterOutcome:
    """How a local distributed search ended: `status` is completed, worker_died,
    timed_out or chief_failed; `message` is one line."""

    status: str
    message: str
    returncodes: dict
    restarts: dict
    seconds: float

    @property
    def ok(self):
        return self.status == "completed"


class LocalCluster:
    """A keras-tuner chief and `workers` workers on 127.0.0.1, each running `command`.

    Args:
        command: the argv every process runs (e.g. `dlcourse tune ... --distributed`).
        workers: how many workers (ids tuner0, tuner1, ...).
        time_limit: seconds before every process is stopped.
        restarts: how many times each worker may be restarted after dying.
        log_dir: each worker's output goes to `log_dir/<id>.log` (None: the console);
            the chief's always goes to the console.
        project_dir: keras-tuner's project folder, to count the trials finished.
    """

    def __init__(self, command, workers=2, time_limit=3600, restarts=1, log_dir=None, project_dir=None):
        if workers < 1:
            raise DLCourseError(f"`workers` must be at least 1. Received: workers={workers}")
        if not time_limit > 0:
            raise DLCourseError(f"`time_limit` must be positive. Received: time_limit={time_limit}")
        self.command, self.time_limit, self.max_restarts = list(command), time_limit, restarts
        self.ids = [CHIEF] + [f"tuner{i}" for i in range(workers)]
        self.log_dir, self.project_dir = log_dir, project_dir
        self.processes, self.restarts, self._logs = {}, {i: 0 for i in self.ids[1:]}, []
        self.port = _free_port()

    def start(self):
        self._start_time = time.monotonic()
        for tuner_id in self.ids:
            self._spawn(tuner_id)
        return self

    def wait(self, poll=0.5, grace=60):
        """Watch the processes until the search ends; returns a `ClusterOutcome`."""
        try:
            while True:
                outcome = self._check(grace)
                if outcome is not None:
                    return outcome
                time.sleep(poll)
        finally:
            self._stop_all()

    def _check(self, grace):
        chief_code = self.processes[CHIEF].poll()
        if chief_code is not None:
            self._wait_workers(grace)
            status = "completed" if chief_code == 0 else "chief_failed"
            return self._outcome(status, f"the chief exited with status {chief_code}")
        for tuner_id in self.ids[1:]:
            code = self.processes[tuner_id].poll()
            if code in (None, 0):
                continue
            if self.restarts[tuner_id] < self.max_restarts:
                self.restarts[tuner_id] += 1
                self._spawn(tuner_id)  # The same id: the chief hands it its unfinished trial.
                continue
            return self._outcome("worker_died", f"worker {tuner_id} died (exit status {code}) after "
                                 f"{self.restarts[tuner_id]} restart(s); the chief was stopped rather than "
                                 "wait forever for its trial")
        if time.monotonic() - self._start_time > self.time_limit:
            return self._outcome("timed_out", f"the time limit of {self.time_limit:g} s ran out")
        return None

    def _outcome(self, status, why):
        self._stop_all()
        done = _finished_trials(self.project_dir)
        counted = f"; {done} trial(s) finished" if done is not None else ""
        advice = "" if status == "completed" else "; run the same command again to resume the search"
        return ClusterOutcome(status=status, message=f"distributed search {status.replace('_', ' ')}: {why}"
                              f"{counted}{advice}.", returncodes={i: p.poll() for i, p in self.processes.items()},
                              restarts=dict(self.restarts), seconds=round(time.monotonic() - self._start_time, 1))

    def _spawn(self, tuner_id):
        env = {**os.environ, "KERASTUNER_TUNER_ID": tuner_id, "KERASTUNER_ORACLE_IP": "127.0.0.1",
               "KERASTUNER_ORACLE_PORT": str(self.port)}
        out = None
        if self.log_dir is not None and tuner_id != CHIEF:
            Path(self.log_dir).mkdir(parents=True, exist_ok=True)
            out = open(Path(self.log_dir) / f"{tuner_id}.log", "a")
            self._logs.append(out)
        self.processes[tuner_id] = subprocess.Popen(self.command, env=env, stdout=out, stderr=subprocess.STDOUT
                                                    if out else None)

    def _wait_workers(self, grace):
        deadline = time.monotonic() + grace
        for tuner_id in self.ids[1:]:
            try:
                self.processes[tuner_id].wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass

    def _stop_all(self):
        for p in self.processes.values():
            if p.poll() is None:
                p.terminate()
        for p in self.processes.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for log in self._logs:
            log.close()
        self._logs = []


def launch(command, workers=2, time_limit=3600, restarts=1, log_dir=None, project_dir=None):
    """Start a `LocalCluster` and wait for it: a `ClusterOutcome`."""
    return LocalCluster(command, workers, time_limit, restarts, log_dir, project_dir).start().wait()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _finished_trials(project_dir):
    if project_dir is None or not Path(project_dir).is_dir():
        return None
    statuses = [json.loads(p.read_text()).get("status") for p in Path(project_dir).glob("trial_*/trial.json")]
    return sum(s in ("COMPLETED", "FAILED") for s in statuses)
