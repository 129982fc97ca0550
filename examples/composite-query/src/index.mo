// The index in front of N shards: `put` routes each key to one shard (an inter-canister update
// call), and the composite queries `search` and `total` fan out to every shard's queries and
// aggregate the answers, without going through consensus.
import Array "mo:core/Array";
import Char "mo:core/Char";
import Principal "mo:core/Principal";
import Nat32 "mo:core/Nat32";
import Text "mo:core/Text";
import Runtime "mo:core/Runtime";

persistent actor Index {
  type Shard = actor {
    put : shared (Text, Text) -> async ();
    find : shared query Text -> async [(Text, Text)];
    size : shared query () -> async Nat;
  };

  var shards : [Shard] = [];
  // Counts the composite queries that ran: a query's changes are never committed, so it stays 0.
  var searches : Nat = 0;

  public func setShards(ids : [Principal]) : async () {
    shards := Array.map<Principal, Shard>(ids, func(id) { actor (Principal.toText(id)) : Shard });
  };

  // Which shard holds `key`: the sum of its characters' code points, modulo the number of shards.
  public query func shardOf(key : Text) : async Nat { route(key) };

  func route(key : Text) : Nat {
    if (shards.size() == 0) Runtime.trap("no shards");
    var sum : Nat = 0;
    for (c in Text.toIter(key)) sum += Nat32.toNat(Char.toNat32(c));
    sum % shards.size();
  };

  public func put(key : Text, value : Text) : async () {
    await shards[route(key)].put(key, value);
  };

  // Every shard's matches, merged in key order.
  public composite query func search(prefix : Text) : async [(Text, Text)] {
    searches += 1;
    var all : [(Text, Text)] = [];
    for (shard in shards.vals()) {
      all := Array.concat(all, await shard.find(prefix));
    };
    Array.sort<(Text, Text)>(all, func(a, b) { Text.compare(a.0, b.0) });
  };

  // The number of entries over all shards.
  public composite query func total() : async Nat {
    searches += 1;
    var n = 0;
    for (shard in shards.vals()) n += await shard.size();
    n;
  };

  public query func searchCount() : async Nat { searches };
};
