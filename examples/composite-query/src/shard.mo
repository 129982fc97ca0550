// One shard of a key-value store: it holds the entries the index routes to it and answers queries.
import Map "mo:core/Map";
import Text "mo:core/Text";
import Iter "mo:core/Iter";

persistent actor Shard {
  let entries = Map.empty<Text, Text>();

  public func put(key : Text, value : Text) : async () {
    Map.add(entries, Text.compare, key, value);
  };

  // The entries whose key starts with `prefix`, in key order.
  public query func find(prefix : Text) : async [(Text, Text)] {
    Iter.toArray(Iter.filter(Map.entries(entries), func((k, _) : (Text, Text)) : Bool { Text.startsWith(k, #text prefix) }));
  };

  public query func size() : async Nat { Map.size(entries) };
};
