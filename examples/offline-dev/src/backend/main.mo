// The backend: a counter. `count` is a field of a persistent actor, so it survives upgrades
// (and `mockic serve` restarts, which checkpoint the heap).
persistent actor Backend {
  var count : Nat = 0;

  public query func get() : async Nat {
    count;
  };

  public func increment() : async Nat {
    count += 1;
    count;
  };

  // Who is calling: the anonymous principal, or the user signed in with Internet Identity.
  public shared query ({ caller }) func whoami() : async Principal {
    caller;
  };
};
