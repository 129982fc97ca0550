// Reminders without a heartbeat: one-shot timers for reminders, one recurring timer for a periodic
// sweep, all on the canister's global timer (mo:core/Timer), so the canister runs only when something
// is due instead of every round.
import Timer "mo:core/Timer";
import Time "mo:core/Time";
import List "mo:core/List";
import Nat "mo:core/Nat";

persistent actor Reminders {
  public type Event = { kind : { #reminder : Text; #sweep : Nat }; at : Int };

  let events = List.empty<Event>();
  var sweeps : Nat = 0;
  transient var sweeper : ?Timer.TimerId = null;

  // A one-shot timer: `text` is logged once, `seconds` from now. Returns the timer's id.
  public func remindIn(seconds : Nat, text : Text) : async Nat {
    Timer.setTimer<system>(#seconds seconds, func() : async () {
      List.add(events, { kind = #reminder text; at = Time.now() });
    });
  };

  public func cancelReminder(id : Nat) : async () { Timer.cancelTimer(id) };

  // A recurring timer: a sweep every `seconds` until stopSweeping (replaces a running one).
  public func startSweeping(seconds : Nat) : async () {
    switch (sweeper) { case (?id) Timer.cancelTimer(id); case null {} };
    sweeper := ?Timer.recurringTimer<system>(#seconds seconds, func() : async () {
      sweeps += 1;
      List.add(events, { kind = #sweep sweeps; at = Time.now() });
    });
  };

  public func stopSweeping() : async () {
    switch (sweeper) { case (?id) Timer.cancelTimer(id); case null {} };
    sweeper := null;
  };

  public query func log() : async [Event] { List.toArray(events) };
  public query func now() : async Int { Time.now() };
};
