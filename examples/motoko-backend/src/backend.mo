// A shared todo list: anyone signed in can add todos, only a todo's owner can change or delete it.
// The state lives in `persistent actor` fields, so it survives upgrades (enhanced orthogonal
// persistence: the Wasm heap itself is kept, nothing is serialised in pre_upgrade).
import Map "mo:core/Map";
import Nat "mo:core/Nat";
import Principal "mo:core/Principal";
import Runtime "mo:core/Runtime";
import Array "mo:core/Array";
import Iter "mo:core/Iter";
import Text "mo:core/Text";

persistent actor Backend {
  public type Todo = { id : Nat; owner : Principal; text : Text; done : Bool };
  public type Error = { #notFound; #notOwner };

  var nextId : Nat = 0;
  let todos = Map.empty<Nat, Todo>();
  var upgrades : Nat = 0;

  // Anonymous callers may read but not write: a trap rejects the call and undoes its changes.
  func signedIn(caller : Principal) {
    if (Principal.isAnonymous(caller)) Runtime.trap("sign in to change the todo list");
  };

  func insert(owner : Principal, text : Text) : Nat {
    if (Text.size(text) == 0) Runtime.trap("a todo needs some text");
    let id = nextId;
    nextId += 1;
    Map.add(todos, Nat.compare, id, { id; owner; text; done = false });
    id;
  };

  public shared ({ caller }) func add(text : Text) : async Nat {
    signedIn(caller);
    insert(caller, text);
  };

  // All or nothing: one empty text traps after the earlier ones were inserted, and the trap rolls
  // the whole message back.
  public shared ({ caller }) func addAll(texts : [Text]) : async [Nat] {
    signedIn(caller);
    Array.map<Text, Nat>(texts, func(text) { insert(caller, text) });
  };

  public shared ({ caller }) func complete(id : Nat) : async { #ok; #err : Error } {
    signedIn(caller);
    switch (Map.get(todos, Nat.compare, id)) {
      case null #err(#notFound);
      case (?todo) {
        if (todo.owner != caller) return #err(#notOwner);
        Map.add(todos, Nat.compare, id, { todo with done = true });
        #ok;
      };
    };
  };

  public shared ({ caller }) func remove(id : Nat) : async { #ok; #err : Error } {
    signedIn(caller);
    switch (Map.get(todos, Nat.compare, id)) {
      case null #err(#notFound);
      case (?todo) {
        if (todo.owner != caller) return #err(#notOwner);
        Map.remove(todos, Nat.compare, id);
        #ok;
      };
    };
  };

  public query func get(id : Nat) : async ?Todo { Map.get(todos, Nat.compare, id) };

  public shared query ({ caller }) func mine() : async [Todo] {
    Iter.toArray(Iter.filter(Map.values(todos), func(t : Todo) : Bool { t.owner == caller }));
  };

  public query func all() : async [Todo] { Iter.toArray(Map.values(todos)) };

  public query func upgradeCount() : async Nat { upgrades };

  system func postupgrade() { upgrades += 1 };
};
