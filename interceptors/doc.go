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
//   - rows answer every optional rows interface as the rows they wrap do,
//     or, where those lack one, exactly as database/sql does without it, so
//     column types and multiple result sets look the same wrapped or not;
//     under Go 1.27 they offer driver.RowsColumnScanner only when the
//     wrapped rows have it (rows read through it still pass RowsNext, with
//     a nil dest);
//   - Unwrap reaches the real driver connection under every layer, so
//     `sql.Conn.Raw` users (pgx CopyFrom) still get a *stdlib.Conn.
//
// Two interceptors ship with the package: Logger (log/slog) and Counters.
package interceptors
