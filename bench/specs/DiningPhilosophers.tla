------------------------- MODULE DiningPhilosophers -------------------------
(***************************************************************************)
(* The Chandy-Misra ("hygienic") dining philosophers, in PlusCal, written  *)
(* for ahvlab's benchmark after the spec of the same name in the TLA+      *)
(* examples.  NP philosophers sit in a ring; fork p lies between           *)
(* philosopher p - 1 and philosopher p.  A fork has a holder and is clean  *)
(* or dirty.  Forks start dirty, with philosopher 1 holding forks 1 and 2  *)
(* and every other philosopher its left fork, so that the precedence graph *)
(* is acyclic.  A dirty fork is handed to the neighbour, cleaned; a        *)
(* philosopher eats holding both forks clean, which dirties them.          *)
(***************************************************************************)
EXTENDS Integers, TLC

CONSTANTS NP

ASSUME NP \in Nat /\ NP > 1

(* --algorithm DiningPhilosophers
variables
    forks = [fork \in 1..NP |-> [holder |-> IF fork = 2 THEN 1 ELSE fork,
                                 clean |-> FALSE]];

define
    LeftFork(p) == p
    RightFork(p) == IF p = NP THEN 1 ELSE p + 1
    LeftPhilosopher(p) == IF p = 1 THEN NP ELSE p - 1
    RightPhilosopher(p) == IF p = NP THEN 1 ELSE p + 1
    IsHoldingBothForks(p) ==
        forks[LeftFork(p)].holder = p /\ forks[RightFork(p)].holder = p
    BothForksAreClean(p) ==
        forks[LeftFork(p)].clean /\ forks[RightFork(p)].clean
    CanEat(p) == IsHoldingBothForks(p) /\ BothForksAreClean(p)
    \* Two neighbours never eat at the same time.
    ExclusiveAccess == \A p \in 1..NP : ~(pc[p] = "Eat" /\ pc[RightPhilosopher(p)] = "Eat")
end define;

fair process Philosopher \in 1..NP
variables hungry = TRUE;
begin
Loop:
    while TRUE do
        if forks[LeftFork(self)].holder = self /\ ~forks[LeftFork(self)].clean then
            forks[LeftFork(self)] := [holder |-> LeftPhilosopher(self), clean |-> TRUE];
        elsif ~hungry then
            hungry := TRUE;
        elsif forks[RightFork(self)].holder = self /\ ~forks[RightFork(self)].clean then
            forks[RightFork(self)] := [holder |-> RightPhilosopher(self), clean |-> TRUE];
        elsif CanEat(self) then
            Eat:
                hungry := FALSE;
                forks[LeftFork(self)].clean := FALSE ||
                forks[RightFork(self)].clean := FALSE;
        end if;
    end while;
end process;

end algorithm; *)
\* BEGIN TRANSLATION PCal-f57609a685565db8383ef52598ccadc8
VARIABLES forks, pc

(* define statement *)
LeftFork(p) == p
RightFork(p) == IF p = NP THEN 1 ELSE p + 1
LeftPhilosopher(p) == IF p = 1 THEN NP ELSE p - 1
RightPhilosopher(p) == IF p = NP THEN 1 ELSE p + 1
IsHoldingBothForks(p) ==
    forks[LeftFork(p)].holder = p /\ forks[RightFork(p)].holder = p
BothForksAreClean(p) ==
    forks[LeftFork(p)].clean /\ forks[RightFork(p)].clean
CanEat(p) == IsHoldingBothForks(p) /\ BothForksAreClean(p)

ExclusiveAccess == \A p \in 1..NP : ~(pc[p] = "Eat" /\ pc[RightPhilosopher(p)] = "Eat")

VARIABLE hungry

vars == << forks, pc, hungry >>

ProcSet == (1..NP)

Init == (* Global variables *)
        /\ forks = [fork \in 1..NP |-> [holder |-> IF fork = 2 THEN 1 ELSE fork,
                                        clean |-> FALSE]]
        (* Process Philosopher *)
        /\ hungry = [self \in 1..NP |-> TRUE]
        /\ pc = [self \in ProcSet |-> "Loop"]

Loop(self) == /\ pc[self] = "Loop"
              /\ IF forks[LeftFork(self)].holder = self /\ ~forks[LeftFork(self)].clean
                    THEN /\ forks' = [forks EXCEPT ![LeftFork(self)] = [holder |-> LeftPhilosopher(self), clean |-> TRUE]]
                         /\ pc' = [pc EXCEPT ![self] = "Loop"]
                         /\ UNCHANGED hungry
                    ELSE /\ IF ~hungry[self]
                               THEN /\ hungry' = [hungry EXCEPT ![self] = TRUE]
                                    /\ pc' = [pc EXCEPT ![self] = "Loop"]
                                    /\ forks' = forks
                               ELSE /\ IF forks[RightFork(self)].holder = self /\ ~forks[RightFork(self)].clean
                                          THEN /\ forks' = [forks EXCEPT ![RightFork(self)] = [holder |-> RightPhilosopher(self), clean |-> TRUE]]
                                               /\ pc' = [pc EXCEPT ![self] = "Loop"]
                                          ELSE /\ IF CanEat(self)
                                                     THEN /\ pc' = [pc EXCEPT ![self] = "Eat"]
                                                     ELSE /\ pc' = [pc EXCEPT ![self] = "Loop"]
                                               /\ forks' = forks
                                    /\ UNCHANGED hungry

Eat(self) == /\ pc[self] = "Eat"
             /\ hungry' = [hungry EXCEPT ![self] = FALSE]
             /\ forks' = [forks EXCEPT ![LeftFork(self)].clean = FALSE,
                                       ![RightFork(self)].clean = FALSE]
             /\ pc' = [pc EXCEPT ![self] = "Loop"]

Philosopher(self) == Loop(self) \/ Eat(self)

Next == (\E self \in 1..NP: Philosopher(self))

Spec == /\ Init /\ [][Next]_vars
        /\ \A self \in 1..NP : WF_vars(Philosopher(self))

\* END TRANSLATION TLA-01e37ec3e6bb1e3def2d498324c32bd4

\* Every philosopher eats infinitely often.
NobodyStarves == \A p \in 1..NP : []<>(~hungry[p])
=============================================================================
