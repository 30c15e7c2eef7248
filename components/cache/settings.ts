/** ElastiCache settings as pure values (SPEC R1). */

/** The parameter group family for an engine and version: redis 7.x → redis7, valkey 8.x → valkey8. */
export function cacheParameterGroupFamily(engine: "redis" | "valkey", version: string): string {
  const major = Number.parseInt(version, 10);
  if (!Number.isInteger(major)) throw new Error(`cannot tell the major version of ${engine} ${version}`);
  return `${engine}${major}`;
}

/**
 * Evict any key, least recently used first, when memory is full (a cache, not a store: SPEC R1); cluster mode
 * must match the replication group's `clusterMode`.
 */
export const cacheParameters = [
  { name: "maxmemory-policy", value: "allkeys-lru" },
  { name: "cluster-enabled", value: "yes" },
] as const;

/** The logs ElastiCache delivers to CloudWatch. */
export const cacheLogTypes = ["slow-log", "engine-log"] as const;
export type CacheLogType = (typeof cacheLogTypes)[number];

/** The Redis URL an application uses: TLS (`rediss`), auth token as the password, the configuration endpoint. */
export function redisUrl(authToken: string, host: string, port: number): string {
  return `rediss://:${encodeURIComponent(authToken)}@${host}:${port}`;
}
