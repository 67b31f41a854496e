// Package interceptors runs every call Grant makes on a physical connection
// through a chain of github.com/ngrok/sqlmw interceptors.
//
// Wrap takes the real driver's driver.Connector (pgx, go-sql-driver/mysql,
// modernc sqlite) and a chain, and returns a connector whose connections,
// statements, transactions, results and rows call the interceptors, the first
// of the chain outermost. It closes the gaps of sqlmw's own wrappers that
// matter to a driver that wraps drivers:
//
//   - it wraps an existing driver.Connector, so connector-only configuration
//     (pgx's ConnConfig, mysql.Config) is kept;
//   - it forwards io.Closer on the connector exactly when the base has it;
//   - connections forward NamedValueChecker, SessionResetter and Validator, so
//     pgx-specific argument types and connection health checks keep working;
//   - rows implement exactly the optional interfaces of the rows they wrap;
//   - Unwrap reaches the real driver connection under every layer, so
//     `sql.Conn.Raw` users (pgx CopyFrom) still get a *stdlib.Conn.
//
// Two interceptors ship with the package: Logger (log/slog) and Counters.
package interceptors
