---------------------------- MODULE LamportMutex ----------------------------
(* Lamport's distributed mutual exclusion over FIFO channels, written for       *)
(* bench/vs_tlc.py to match ahvlab/checker/examples/lamport.py. The variables   *)
(* and actions follow Stephan Merz's LamportMutex of tlaplus/Examples, so that  *)
(* the model of MCLamportMutex.cfg gives its figures (724,274 distinct states). *)
EXTENDS Naturals, Sequences

CONSTANTS N, maxClock, MaxNat

Proc == 1 .. N
Clock == 1 .. MaxNat

VARIABLES clock, req, ack, network, crit
vars == <<clock, req, ack, network, crit>>

ReqMsg(c) == [type |-> "req", clock |-> c]
AckMsg == [type |-> "ack", clock |-> 0]
RelMsg == [type |-> "rel", clock |-> 0]
Message == {ReqMsg(c) : c \in Clock} \cup {AckMsg, RelMsg}

TypeOK ==
  /\ clock \in [Proc -> Clock]
  /\ req \in [Proc -> [Proc -> 0 .. MaxNat]]
  /\ ack \in [Proc -> SUBSET Proc]
  /\ network \in [Proc -> [Proc -> Seq(Message)]]
  /\ crit \subseteq Proc

Init ==
  /\ clock = [p \in Proc |-> 1]
  /\ req = [p \in Proc |-> [q \in Proc |-> 0]]
  /\ ack = [p \in Proc |-> {}]
  /\ network = [p \in Proc |-> [q \in Proc |-> <<>>]]
  /\ crit = {}

SendAll(p, m) == [q \in Proc |-> IF q = p THEN network[p][q] ELSE Append(network[p][q], m)]

Request(p) ==
  /\ req[p][p] = 0
  /\ req' = [req EXCEPT ![p][p] = clock[p]]
  /\ network' = [network EXCEPT ![p] = SendAll(p, ReqMsg(clock[p]))]
  /\ ack' = [ack EXCEPT ![p] = {p}]
  /\ UNCHANGED <<clock, crit>>

ReceiveRequest(p, q) ==
  /\ network[q][p] # <<>>
  /\ Head(network[q][p]).type = "req"
  /\ LET c == Head(network[q][p]).clock
     IN /\ req' = [req EXCEPT ![p][q] = c]
        /\ clock' = [clock EXCEPT ![p] = IF c > clock[p] THEN c + 1 ELSE clock[p] + 1]
        /\ network' = [network EXCEPT ![q][p] = Tail(network[q][p]),
                                      ![p][q] = Append(network[p][q], AckMsg)]
  /\ UNCHANGED <<ack, crit>>

ReceiveAck(p, q) ==
  /\ network[q][p] # <<>>
  /\ Head(network[q][p]).type = "ack"
  /\ ack' = [ack EXCEPT ![p] = ack[p] \cup {q}]
  /\ network' = [network EXCEPT ![q][p] = Tail(network[q][p])]
  /\ UNCHANGED <<clock, req, crit>>

Beats(p, q) ==
  \/ req[p][q] = 0
  \/ req[p][p] < req[p][q]
  \/ req[p][p] = req[p][q] /\ p < q

Enter(p) ==
  /\ ack[p] = Proc
  /\ \A q \in Proc \ {p} : Beats(p, q)
  /\ crit' = crit \cup {p}
  /\ UNCHANGED <<clock, req, ack, network>>

Exit(p) ==
  /\ p \in crit
  /\ crit' = crit \ {p}
  /\ network' = [network EXCEPT ![p] = SendAll(p, RelMsg)]
  /\ req' = [req EXCEPT ![p][p] = 0]
  /\ ack' = [ack EXCEPT ![p] = {}]
  /\ UNCHANGED clock

ReceiveRelease(p, q) ==
  /\ network[q][p] # <<>>
  /\ Head(network[q][p]).type = "rel"
  /\ req' = [req EXCEPT ![p][q] = 0]
  /\ network' = [network EXCEPT ![q][p] = Tail(network[q][p])]
  /\ UNCHANGED <<clock, ack, crit>>

Next ==
  \E p \in Proc :
     \/ Request(p) \/ Enter(p) \/ Exit(p)
     \/ \E q \in Proc \ {p} : ReceiveRequest(p, q) \/ ReceiveAck(p, q) \/ ReceiveRelease(p, q)

Spec == Init /\ [][Next]_vars

Mutex == \A p, q \in crit : p = q
BoundedNetwork == \A p, q \in Proc : Len(network[p][q]) <= 3
ClockConstraint == \A p \in Proc : clock[p] <= maxClock
=============================================================================
