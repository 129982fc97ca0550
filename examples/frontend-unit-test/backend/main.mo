// The guestbook's backend: anyone logged in can sign with a message; everyone can read.
import Array "mo:core/Array";
import Principal "mo:core/Principal";
import Runtime "mo:core/Runtime";

persistent actor Guestbook {
  public type Entry = { author : Principal; message : Text };

  var entries : [Entry] = [];

  /// How many entries the guestbook has.
  public query func count() : async Nat { entries.size() };

  /// All entries, oldest first.
  public query func list() : async [Entry] { entries };

  /// The principal the canister sees for this caller.
  public query ({ caller }) func whoami() : async Principal { caller };

  /// Adds an entry by the caller and returns the new count. Traps for anonymous callers and empty
  /// or overlong messages (a trap rejects the call and rolls its state changes back).
  public shared ({ caller }) func sign(message : Text) : async Nat {
    if (Principal.isAnonymous(caller)) Runtime.trap("anonymous visitors cannot sign the guestbook, log in first");
    if (message.size() == 0) Runtime.trap("the message is empty");
    if (message.size() > 140) Runtime.trap("the message is longer than 140 characters");
    entries := Array.concat(entries, [{ author = caller; message }]);
    entries.size()
  };
};
