"""nbgrader's ``Execute`` with the sandboxed kernel and retried kernel start-up (issue 16).

``nbgrader_config.py`` puts :class:`SandboxedExecute` in place of ``Execute`` in
``Autograde.autograde_preprocessors``; every ``Execute.*`` setting (``timeout``,
``interrupt_on_timeout``...) still applies, because traitlets config follows the class tree.

A kernel that does not *start* (no reply to ``kernel_info`` within ``startup_timeout``, or
dead before its first reply) is not the student's fault: on a loaded machine it happens. The
notebook is then run again with a fresh kernel, up to ``startup_attempts`` times, before the
submission is marked failed. Once the kernel has answered, nothing is retried: a kernel that
dies while running student code (``os._exit``) fails the submission as before.
"""

from __future__ import annotations

import copy
import time

from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Float, Integer

from marketing_kit.course.sandbox import SandboxKernelManager, SandboxUnavailable


class SandboxedExecute(Execute):
    """``Execute`` whose kernels run in :class:`SandboxKernelManager`, with start-up retries."""

    startup_attempts = Integer(3, config=True,
                               help="Kernel start-ups tried before a submission fails.")
    retry_pause = Float(2.0, config=True, help="Seconds between start-up attempts.")
    startup_timeout = Integer(120, config=True,
                              help="Seconds a kernel may take to start (nbclient's is 60).")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        self._kernel_ready = True  # the kernel answered: failures from now on are the student's
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        except CellTimeoutError:
            # A kernel that exited mid-cell (``exit()``) can surface as an IOPub timeout:
            # report it as the dead kernel it is, as stock nbgrader does.
            if self.km is not None and not await ensure_async(self.km.is_alive()):
                raise DeadKernelError("Kernel died") from None
            raise

    execute_cell = run_sync(async_execute_cell)

    def preprocess(self, nb, resources=None, km=None):
        pristine = copy.deepcopy(nb)
        attempts = max(1, self.startup_attempts)
        for attempt in range(1, attempts + 1):
            self._kernel_ready = False
            try:
                return super().preprocess(nb, resources, km)
            except SandboxUnavailable as exc:
                self.log.error("%s", exc.code)
                raise
            except Exception as exc:
                if self._kernel_ready or attempt == attempts:
                    raise
                self.log.warning("Kernel did not start (attempt %d of %d: %s: %s); retrying",
                                 attempt, attempts, type(exc).__name__, exc)
                nb.clear()  # start again from the notebook as it came, in place
                nb.update(copy.deepcopy(pristine))
                time.sleep(self.retry_pause)
        raise AssertionError("unreachable")  # pragma: no cover
