------------------------------ MODULE Counters ------------------------------
(* Three counters in 0..N, each stepped up or down by one: (N+1)^3 states.  *)
(* ahvlab's raw-speed benchmark against TLC (ahvlab.checker.examples.counters). *)
EXTENDS Naturals

CONSTANT N

VARIABLES x, y, z

vars == <<x, y, z>>

TypeOK == x \in 0..N /\ y \in 0..N /\ z \in 0..N

Init == x = 0 /\ y = 0 /\ z = 0

IncX == x < N /\ x' = x + 1 /\ UNCHANGED <<y, z>>
DecX == x > 0 /\ x' = x - 1 /\ UNCHANGED <<y, z>>
IncY == y < N /\ y' = y + 1 /\ UNCHANGED <<x, z>>
DecY == y > 0 /\ y' = y - 1 /\ UNCHANGED <<x, z>>
IncZ == z < N /\ z' = z + 1 /\ UNCHANGED <<x, y>>
DecZ == z > 0 /\ z' = z - 1 /\ UNCHANGED <<x, y>>

Next == IncX \/ DecX \/ IncY \/ DecY \/ IncZ \/ DecZ

Spec == Init /\ [][Next]_vars
=============================================================================
