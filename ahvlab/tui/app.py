"""The Textual app: step through a behaviour of the AHV model (or any spec), branch it, check it, save it.

The app owns the :class:`Workbench`; after every change it rebuilds the plain
:class:`~ahvlab.tui.view.Frame` and :class:`~ahvlab.tui.view.Timeline`, which
the panels receive by data binding. The checker runs in a thread worker whose
progress and verdict come back as messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import threading
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.reactive import reactive
from textual.widgets import Footer

from ahvlab.checker.engine import Options, SpecError
from ahvlab.checker.errors import UserError
from ahvlab.checker.report import verdict_lines
from ahvlab.checker.result import EXIT_SIGINT, EXIT_SIGTERM, Result
from ahvlab.checker.session import SessionError
from ahvlab.checker.trace import ReplayError
from ahvlab.tui import view
from ahvlab.tui.messages import (
    CheckFinished,
    CheckProgress,
    ChoicePicked,
    GotoStep,
    Notice,
    RestoreBranch,
    StepShown,
    TraceChanged,
)
from ahvlab.tui.screens.check import CheckScreen, figures_line
from ahvlab.tui.screens.help import HelpScreen
from ahvlab.tui.screens.knobs import KnobChanges, KnobsScreen
from ahvlab.tui.screens.pick import PickScreen
from ahvlab.tui.screens.save import SaveScreen
from ahvlab.tui.screens.watch import WatchScreen
from ahvlab.tui.view import Baseline, Frame, Timeline
from ahvlab.tui.widgets.actions import ActionList
from ahvlab.tui.widgets.bars import StatusLine, TopBar
from ahvlab.tui.widgets.deadlines import DeadlinesPanel
from ahvlab.tui.widgets.detail import StepDetail
from ahvlab.tui.widgets.invariants import InvariantsPanel
from ahvlab.tui.widgets.picture import ClusterPicture
from ahvlab.tui.widgets.timeline import TimelinePanel, TimelineTable
from ahvlab.workbench import Workbench

# Actions that change or move the trace: refused while a modal screen (a check, a picker) is open.
MAIN_SCREEN_ACTIONS = frozenset(
    {"next", "previous", "first", "last", "pick", "branch", "check", "violation", "knobs", "save", "watch"}
)


def default_file_name(title: str) -> str:
    """A file name for the trace from the workbench's title: ``ahv-cluster-default-model.itf.json``."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48].strip("-")
    return f"{slug or 'trace'}.itf.json"


class AhvlabApp(App[int]):
    """``AhvlabApp(open_workbench(arg)).run()``; exits with status 0."""

    CSS_PATH = "ahvlab.tcss"
    TITLE = "ahvlab"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide"), (160, "-xwide")]  # noqa: RUF012 (Textual declares it)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,n", "next", "Next"),
        Binding("left,p", "previous", "Prev"),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("a", "pick", "Act"),
        Binding("b", "branch", "Branch", show=False),
        Binding("c", "check", "Check"),
        Binding("v", "violation", "Violation"),
        Binding("m", "knobs", "What-ifs"),
        Binding("s", "save", "Save"),
        Binding("w", "watch", "Watch"),
        Binding("question_mark,f1", "help", "Help"),
        # Priority, so that q quits from a dialog too (an Input still takes it as a letter).
        Binding("q", "quit", "Quit", priority=True),
    ]

    frame: reactive[Frame | None] = reactive(None)
    """The step under the cursor, as the panels show it."""
    timeline: reactive[Timeline | None] = reactive(None)
    """The whole trace and its branches."""
    notice: reactive[str] = reactive("")
    """The status line's text."""
    notice_error: reactive[bool] = reactive(False)
    """Whether the notice reports a refusal or an error."""
    checking: reactive[bool] = reactive(False)
    """True while the checker runs in its worker."""

    def __init__(self, workbench: Workbench, *, check_seconds: float | None = 600.0) -> None:
        super().__init__()
        self.wb = workbench
        self.baseline = Baseline.of(workbench)
        """The what-ifs the trace was opened with: the narration was written for them."""
        self.check_seconds = check_seconds
        self.last_result: Result | None = None
        self._stop_check = threading.Event()
        self._check_screen: CheckScreen | None = None
        self.watches: list[str] = []
        """The watch list (``w``): expressions shown at every step."""

    def compose(self) -> ComposeResult:
        yield TopBar(self.wb.title, id="topbar").data_bind(AhvlabApp.frame)
        with Container(id="main"):
            # The trace on the left, the state on the right; the actions panel is hidden when narrow.
            with Vertical(id="left"):
                yield TimelinePanel(id="timeline").data_bind(AhvlabApp.timeline, AhvlabApp.frame)
                yield ActionList(id="actions").data_bind(AhvlabApp.frame)
                yield InvariantsPanel(id="invariants").data_bind(AhvlabApp.frame)
            with Vertical(id="right"):
                yield ClusterPicture(id="cluster").data_bind(AhvlabApp.frame)
                yield DeadlinesPanel(id="deadlines").data_bind(AhvlabApp.frame)
                yield StepDetail(id="detail").data_bind(AhvlabApp.frame)
        yield StatusLine(id="status").data_bind(AhvlabApp.notice, AhvlabApp.notice_error)
        yield Footer()

    def on_mount(self) -> None:
        self._exit_on_sigterm()
        # Priority: the focused table would take Ctrl-C as "copy" and the app would never hear it. Bound
        # here, not in BINDINGS, which the help screen lists key by key (Ctrl-C is every program's quit key).
        self._bindings.bind("ctrl+c", "help_quit", show=False, priority=True)
        self.refresh_trace("opened")
        self.query_one(TimelineTable).focus()
        opening = " · ".join(self.wb.messages)
        self.say(opening or "? help · ←/→ step · a take an action · c check · v jump to the violation · q quit")

    # -- showing -----------------------------------------------------------------

    def show_step(self) -> None:
        """Rebuild the frame for the cursor's step and tell whoever listens."""
        frame = view.frame(self.wb, self.baseline, self.watches)
        self.frame = frame
        self.post_message(StepShown(frame.index, frame.total, frame.label, frame.violated))

    def refresh_trace(self, reason: str) -> None:
        """The trace changed: rebuild the timeline, then the frame."""
        self.timeline = view.timeline(self.wb, self.watches)
        self.show_step()
        self.post_message(TraceChanged(reason, len(self.wb.session)))

    def say(self, text: str, error: bool = False) -> None:
        self.post_message(Notice(text, error))

    def on_notice(self, message: Notice) -> None:
        self.notice = message.text
        self.notice_error = message.error

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1)

    # -- moving ------------------------------------------------------------------

    def _move(self, where: str) -> None:
        s = self.wb.session
        try:
            {"next": s.forward, "previous": s.back, "first": s.first, "last": s.last}[where]()
        except SessionError as exc:
            self.say(str(exc))
            return
        self.show_step()

    def action_next(self) -> None:
        self._move("next")

    def action_previous(self) -> None:
        self._move("previous")

    def action_first(self) -> None:
        self._move("first")

    def action_last(self) -> None:
        self._move("last")

    def on_goto_step(self, message: GotoStep) -> None:
        if message.index != self.wb.session.cursor and 0 <= message.index < len(self.wb.session):
            self.wb.session.goto(message.index)
            self.show_step()

    def action_violation(self) -> None:
        found = self.wb.session.first_violation()
        if found is None:
            self.say("no invariant fails on this trace; press c to look for a violation from here")
            return
        self.wb.session.goto(found)
        self.show_step()
        names = ", ".join(s.name for s in self.wb.session.violated(found))
        self.say(f"step {found} is the first where an invariant fails: {names}", error=True)

    # -- acting ------------------------------------------------------------------

    def action_pick(self) -> None:
        s = self.wb.session
        choices = s.enabled()
        if not choices:
            self.say("no action is enabled at this step (a deadlock)", error=True)
            return
        self.push_screen(PickScreen(choices, f"step {s.cursor}"), self._picked)

    def _picked(self, index: int | None) -> None:
        if index is not None:
            self.take(index)

    def on_choice_picked(self, message: ChoicePicked) -> None:
        self.take(message.index)

    def take(self, index: int) -> None:
        """Take the ``index``-th enabled choice at the cursor; later steps become a branch."""
        s = self.wb.session
        cut = len(s) - 1 - s.cursor
        try:
            step = s.do(index)
        except SessionError as exc:
            self.say(str(exc), error=True)
            return
        self.refresh_trace("branched" if cut else "stepped")
        label = s.spec.format_step(step.action or "", step.params)
        kept = f"; the {cut} later step{'s are' if cut != 1 else ' is'} kept as a branch" if cut else ""
        self.say(f"took {label} at step {s.cursor - 1}{kept}")

    def action_branch(self) -> None:
        """Bring back the oldest branch; the trace it replaces joins the end of the list, so b cycles through all."""
        if not self.wb.session.branches:
            self.say("no branch yet: take an action in the middle of the trace (a) to make one")
            return
        self.restore_branch(0)

    def on_restore_branch(self, message: RestoreBranch) -> None:
        if 0 <= message.index < len(self.wb.session.branches):
            self.restore_branch(message.index)

    def restore_branch(self, index: int) -> None:
        """Bring back branch ``index``: its steps replace the trace after the point where it was cut."""
        s = self.wb.session
        branch = s.branches[index]
        taken = s.restore(index)
        if taken < len(branch.steps):
            self.say(f"the branch replays only {taken} of its {len(branch.steps)} steps", error=True)
        else:
            self.say(f"back on the branch from step {branch.at}; the trace it replaced is now a branch")
        self.refresh_trace("branch")

    # -- checking ----------------------------------------------------------------

    def action_check(self) -> None:
        if self.checking:
            self.say("a check is already running")
            return
        failing = self.wb.session.violated()
        if failing:
            names = ", ".join(s.name for s in failing)
            self.say(f"{names} already fails at this step: go back to an earlier step to check from there", error=True)
            return
        self._stop_check.clear()
        self.checking = True
        self._check_screen = CheckScreen(f"step {self.wb.session.cursor}", self._stop_check.set)
        self.push_screen(self._check_screen, self._check_closed)
        self.run_check()

    @work(thread=True, exclusive=True, group="check")
    def run_check(self) -> None:
        """Run the checker from the cursor in a thread; figures and verdict come back as messages."""
        stop = self._stop_check

        def progress(figures: Any) -> None:
            self.post_message(CheckProgress.of(figures))

        # The engines poll `cancel` and stop cleanly, with partial figures.
        opts = Options(progress=progress, progress_interval=0.5, max_seconds=self.check_seconds, cancel=stop.is_set)
        try:
            result = self.wb.check(opts)
        except (UserError, SpecError, ReplayError, SessionError) as exc:
            self.post_message(CheckFinished(None, str(exc)))
            return
        self.post_message(CheckFinished(result))

    def on_check_progress(self, message: CheckProgress) -> None:
        if self._check_screen is not None:
            self._check_screen.show_progress(message)

    def on_check_finished(self, message: CheckFinished) -> None:
        self.checking = False
        self.last_result = message.result
        if message.result is not None:
            if message.result.violation is not None:
                self.refresh_trace("counterexample")
            f = message.result.figures
            self.say(
                f"{verdict_lines(message.result)[0]} · {figures_line(f.generated, f.distinct, f.queue, f.depth)}",
                error=message.result.violation is not None,
            )
        else:
            self.say(f"the check stopped on an error: {message.error}", error=True)
        if self._check_screen is not None:
            self._check_screen.show_result(message)

    def _check_closed(self, result: Result | None) -> None:
        self._check_screen = None
        if result is not None and result.violation is not None:
            self.wb.session.last()
            self.show_step()

    # -- what-ifs, saving, help --------------------------------------------------

    def action_knobs(self) -> None:
        mutations, timings = self.wb.mutations(), self.wb.timings()
        if not mutations and not timings:
            self.say("this spec has no what-ifs: mutations and timings belong to the AHV model", error=True)
            return
        self.push_screen(KnobsScreen(mutations, timings), self._apply_knobs)

    def _apply_knobs(self, changes: KnobChanges | None) -> None:
        if changes is None:
            return
        if not (changes.mutations or changes.timings):
            if changes.check:
                self.action_check()
            else:
                self.say("no what-if changed")
            return
        before = len(self.wb.session)
        done: list[str] = []
        try:
            for name, on in changes.mutations.items():
                self.wb.set_mutation(name, on)
                done.append(f"{name} {'on' if on else 'off'}")
            for name, seconds in changes.timings.items():
                self.wb.set_timing(name, seconds)
                done.append(f"{name}={seconds:g}s")
        except (UserError, SessionError) as exc:
            self.say(str(exc), error=True)
        self.refresh_trace("what-if")
        if done:
            kept = len(self.wb.session)
            self.say(f"{', '.join(done)}: the trace replays {kept} of its {before} states")
        if changes.check:
            self.action_check()

    def action_save(self) -> None:
        self.push_screen(SaveScreen(default_file_name(self.wb.title), self.wb.save), self._saved)

    def _saved(self, path: str | None) -> None:
        if path is not None:
            self.say(f"saved {len(self.wb.session)} states to {path}")

    def action_watch(self) -> None:
        self.push_screen(WatchScreen(self.wb, self.watches), self._watched)

    def _watched(self, watches: list[str] | None) -> None:
        if watches is None or watches == self.watches:
            return
        self.watches = watches
        # The timeline gains a column per expression and the left side widens to hold them.
        self.query_one("#left").set_class(bool(watches), "-watching")
        self.timeline = view.timeline(self.wb, self.watches)
        self.show_step()
        if watches:
            self.say(f"watching {', '.join(watches)} (a column each in the timeline; the step detail)")
        else:
            self.say("nothing is watched now")

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.binding_rows()))

    def binding_rows(self) -> list[tuple[str, str]]:
        """Every binding of the app and the timeline, as (keys, what they do)."""
        rows: list[tuple[str, str]] = []
        for b in self.BINDINGS:
            assert isinstance(b, Binding)
            keys = ", ".join(self.get_key_display(Binding(k, b.action)) for k in b.key.split(","))
            rows.append((keys, HELP.get(b.action, b.description)))
        rows.append(("↑, ↓", "move through the timeline (or a list)"))
        rows.append(("tab", "move between the timeline and the enabled actions"))
        rows.append(("enter", "take the highlighted action / pick in a list"))
        rows.append(("escape", "close a dialog (or stop a running check)"))
        return rows

    async def action_quit(self) -> None:
        self._stop_check.set()
        self.exit(0)

    def on_unmount(self) -> None:
        # However the app ends (a test's run_test too), a check still running in its thread is stopped:
        # it would outlive the app.
        self._stop_check.set()

    def action_help_quit(self) -> None:
        # Textual binds Ctrl-C to a hint about the quit key; here it quits, as in any terminal program (130).
        self._stop_check.set()
        self.exit(EXIT_SIGINT)

    def _exit_on_sigterm(self) -> None:
        """SIGTERM ends the app through Textual, which puts the terminal back (no alternate screen left)."""

        def terminate() -> None:
            self._stop_check.set()
            self.exit(EXIT_SIGTERM)

        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # no signals here (a test's loop)
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, terminate)


HELP = {
    "next": "next step",
    "previous": "previous step",
    "first": "first step (the initial state)",
    "last": "last step",
    "pick": "pick an enabled action; taking it branches the trace here",
    "check": "check every behaviour from this step; opens the counterexample",
    "violation": "jump to the first step where an invariant fails",
    "knobs": "what-ifs: switch mutations, change timings, re-check",
    "save": "save the trace as ITF JSON",
    "watch": "the watch list: add or remove expressions; the timeline and step detail show their values",
    "branch": "bring back the next branch (b again cycles through every branch; the tree lists them)",
    "help": "this help",
    "quit": "quit",
}
