/**
 * The environment variable naming the folder where jest's global setup leaves one record per stack. Kept apart
 * from ./run so the global setup and teardown can read it without loading the Pulumi SDK into jest's process.
 */
export const recordCacheVariable = "QUALISYS_RECORD_CACHE";
