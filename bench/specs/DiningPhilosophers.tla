------------------------- MODULE DiningPhilosophers -------------------------
(***************************************************************************)
(* The Chandy-Misra dining philosophers as the PlusCal translation in      *)
(* tlaplus/Examples (specifications/DiningPhilosophers) behaves, written   *)
(* out as plain TLA+ for ahvlab's benchmark; ahvlab's port is              *)
(* ahvlab/checker/examples/dining.py.  Fork p is philosopher p's left fork *)
(* and philosopher p-1's right fork.  Loop hands a dirty fork over,        *)
(* cleaned (the left one first), and then goes to Eat if hungry and able   *)
(* to eat (judged on the forks before the hand-over), stays at Loop if     *)
(* hungry and not able, or goes to Think if fed.  TLC's figures for NP = 5: *)
(* 67 distinct states, 336 generated, depth 29.                            *)
(***************************************************************************)
EXTENDS Integers, TLC

CONSTANTS NP

ASSUME NP \in Nat /\ NP > 1

VARIABLES forks, pc, hungry

vars == << forks, pc, hungry >>

LeftFork(p) == p
RightFork(p) == IF p = NP THEN 1 ELSE p + 1
LeftPhilosopher(p) == IF p = 1 THEN NP ELSE p - 1
RightPhilosopher(p) == IF p = NP THEN 1 ELSE p + 1

Holds(p, f) == forks[f].holder = p
CanEat(p) == /\ Holds(p, LeftFork(p)) /\ Holds(p, RightFork(p))
             /\ forks[LeftFork(p)].clean /\ forks[RightFork(p)].clean

Init == /\ forks = [f \in 1..NP |-> [holder |-> IF f = 2 THEN 1 ELSE f, clean |-> FALSE]]
        /\ hungry = [p \in 1..NP |-> TRUE]
        /\ pc = [p \in 1..NP |-> "Loop"]

HandOver(p) ==
    IF Holds(p, LeftFork(p)) /\ ~forks[LeftFork(p)].clean
    THEN [forks EXCEPT ![LeftFork(p)] = [holder |-> LeftPhilosopher(p), clean |-> TRUE]]
    ELSE IF Holds(p, RightFork(p)) /\ ~forks[RightFork(p)].clean
         THEN [forks EXCEPT ![RightFork(p)] = [holder |-> RightPhilosopher(p), clean |-> TRUE]]
         ELSE forks

Loop(p) == /\ pc[p] = "Loop"
           /\ forks' = HandOver(p)
           /\ pc' = [pc EXCEPT ![p] = IF hungry[p] THEN (IF CanEat(p) THEN "Eat" ELSE "Loop")
                                                  ELSE "Think"]
           /\ UNCHANGED hungry

Think(p) == /\ pc[p] = "Think"
            /\ hungry' = [hungry EXCEPT ![p] = TRUE]
            /\ pc' = [pc EXCEPT ![p] = "Loop"]
            /\ UNCHANGED forks

Eat(p) == /\ pc[p] = "Eat"
          /\ hungry' = [hungry EXCEPT ![p] = FALSE]
          /\ forks' = [forks EXCEPT ![LeftFork(p)].clean = FALSE, ![RightFork(p)].clean = FALSE]
          /\ pc' = [pc EXCEPT ![p] = "Loop"]

Philosopher(p) == Loop(p) \/ Think(p) \/ Eat(p)

Next == \E p \in 1..NP : Philosopher(p)

Spec == Init /\ [][Next]_vars /\ \A p \in 1..NP : WF_vars(Philosopher(p))

ShareFork(p, q) == {LeftFork(p), RightFork(p)} \cap {LeftFork(q), RightFork(q)} # {}

ExclusiveAccess == \A p, q \in 1..NP : p # q /\ ShareFork(p, q) => ~(pc[p] = "Eat" /\ pc[q] = "Eat")

NobodyStarves == \A p \in 1..NP : []<>(~hungry[p])
=============================================================================
