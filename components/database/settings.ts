/**
 * The RDS settings as pure values (SPEC D1): the parameter group's parameters, the log exports and the log
 * groups they land in. Tested on their own; the component only turns them into resources.
 */

/** The parameter group family for a PostgreSQL major (`postgres17`). */
export const parameterGroupFamily = (major: number) => `postgres${major}`;

export interface DbParameter {
  name: string;
  value: string;
  /** Static parameters only take effect after a reboot (RDS refuses "immediate" for them). */
  applyMethod: "immediate" | "pending-reboot";
}

export interface ParameterOptions {
  maxConnections: number;
  /** `log_min_duration_statement` in ms. */
  slowStatementMs: number;
}

/**
 * `rds.force_ssl` refuses unencrypted connections. Logging: slow statements, connections and disconnections, lock
 * waits, large temp files and DDL. `log_statement = ddl` never logs role passwords: the bootstrap sets them from
 * inside a DO block (only the top-level statement is logged) from connection settings, not statement text.
 */
export function databaseParameters(options: ParameterOptions): DbParameter[] {
  return [
    { name: "max_connections", value: String(options.maxConnections), applyMethod: "pending-reboot" },
    { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
    { name: "password_encryption", value: "scram-sha-256", applyMethod: "immediate" },
    { name: "log_min_duration_statement", value: String(options.slowStatementMs), applyMethod: "immediate" },
    { name: "log_connections", value: "1", applyMethod: "immediate" },
    { name: "log_disconnections", value: "1", applyMethod: "immediate" },
    { name: "log_lock_waits", value: "1", applyMethod: "immediate" },
    { name: "log_temp_files", value: "10240", applyMethod: "immediate" },
    { name: "log_statement", value: "ddl", applyMethod: "immediate" },
    { name: "log_autovacuum_min_duration", value: "10000", applyMethod: "immediate" },
  ];
}

/** Logs RDS exports to CloudWatch. */
export const logExports = ["postgresql", "upgrade"] as const;

/** The log group RDS writes an export to; the name is fixed by AWS, so we create it first with retention + KMS. */
export const rdsLogGroupName = (identifier: string, log: string) => `/aws/rds/instance/${identifier}/${log}`;

/** The master user's name (its password is generated, stored and rotated by RDS in Secrets Manager). */
export const masterUsername = "qualisys_admin";
