import { cacheParameterGroupFamily, redisUrl } from "./settings";

describe("cache settings", () => {
  it.each([
    ["redis", "7.1", "redis7"],
    ["redis", "7.0", "redis7"],
    ["valkey", "8.0", "valkey8"],
    ["valkey", "7.2", "valkey7"],
  ] as const)("%s %s uses family %s", (engine, version, family) => {
    expect(cacheParameterGroupFamily(engine, version)).toBe(family);
  });

  it("refuses a version without a major", () => {
    expect(() => cacheParameterGroupFamily("redis", "latest")).toThrow(/major/);
  });

  it("builds a TLS URL with the token as password, escaped", () => {
    expect(redisUrl("abc", "clustercfg.x.cache.amazonaws.com", 6379)).toBe(
      "rediss://:abc@clustercfg.x.cache.amazonaws.com:6379",
    );
    expect(redisUrl("a/b@c", "h", 6379)).toBe("rediss://:a%2Fb%40c@h:6379");
  });
});
