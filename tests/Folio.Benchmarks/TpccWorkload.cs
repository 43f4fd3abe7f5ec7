namespace Folio.Benchmarks;

/// <summary>
/// A TPC-C-like mix on one warehouse: new-order (45%), payment (43%), order-status (6%) and
/// stock-level (6%), over a database of about 14 MB (10 districts of 1,000 customers, 20,000
/// items and their stock, one order of 10 lines per customer). No think time, no delivery, no
/// rollbacks; the keys are drawn from a seeded generator so every store runs the same transactions.
/// </summary>
/// <param name="connection">The connection the mix runs on.</param>
/// <param name="writeTransactions">How a write transaction runs: by hand (BEGIN IMMEDIATE, the
/// statements, COMMIT on the sync path) when null, else through the given runner (Folio's
/// <see cref="FolioConnection.TransactionAsync"/>, which may run the work more than once: every
/// key is drawn before it).</param>
/// <param name="seed">The generator's seed.</param>
public sealed class TpccWorkload(FolioConnection connection, Action<FolioConnection, Action>? writeTransactions = null, int seed = 18)
{
    /// <summary>Write transactions through <see cref="FolioConnection.TransactionAsync"/>, waited for (a console run has no synchronization context).</summary>
    public static void ThroughTransactionAsync(FolioConnection connection, Action work) =>
        connection.TransactionAsync((_, _) =>
        {
            work();
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();

    public const int Districts = 10;
    public const int CustomersPerDistrict = 1000;
    public const int Items = 20_000;
    private const int LinesPerInitialOrder = 10;

    private readonly Random _random = new(seed);

    /// <summary>Creates and fills the tables in one transaction.</summary>
    public static void Load(FolioConnection connection)
    {
        connection.Execute($"""
            BEGIN;
            CREATE TABLE warehouse(w_id INTEGER PRIMARY KEY, name TEXT NOT NULL, tax REAL NOT NULL, ytd REAL NOT NULL, address TEXT NOT NULL);
            CREATE TABLE district(d_id INTEGER PRIMARY KEY, name TEXT NOT NULL, tax REAL NOT NULL, ytd REAL NOT NULL, next_o_id INTEGER NOT NULL, address TEXT NOT NULL);
            CREATE TABLE customer(d_id INTEGER NOT NULL, c_id INTEGER NOT NULL, last TEXT NOT NULL, discount REAL NOT NULL,
                balance REAL NOT NULL, ytd_payment REAL NOT NULL, payment_cnt INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY(d_id, c_id)) WITHOUT ROWID;
            CREATE TABLE history(h_id INTEGER PRIMARY KEY, d_id INTEGER NOT NULL, c_id INTEGER NOT NULL, amount REAL NOT NULL, data TEXT NOT NULL);
            CREATE TABLE item(i_id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL, data TEXT NOT NULL);
            CREATE TABLE stock(i_id INTEGER PRIMARY KEY, quantity INTEGER NOT NULL, ytd INTEGER NOT NULL, order_cnt INTEGER NOT NULL, dist_info TEXT NOT NULL, data TEXT NOT NULL);
            CREATE TABLE orders(d_id INTEGER NOT NULL, o_id INTEGER NOT NULL, c_id INTEGER NOT NULL, entry_d INTEGER NOT NULL, ol_cnt INTEGER NOT NULL, PRIMARY KEY(d_id, o_id)) WITHOUT ROWID;
            CREATE INDEX orders_customer ON orders(d_id, c_id, o_id);
            CREATE TABLE new_order(d_id INTEGER NOT NULL, o_id INTEGER NOT NULL, PRIMARY KEY(d_id, o_id)) WITHOUT ROWID;
            CREATE TABLE order_line(d_id INTEGER NOT NULL, o_id INTEGER NOT NULL, number INTEGER NOT NULL, i_id INTEGER NOT NULL,
                quantity INTEGER NOT NULL, amount REAL NOT NULL, dist_info TEXT NOT NULL, PRIMARY KEY(d_id, o_id, number)) WITHOUT ROWID;
            INSERT INTO warehouse VALUES (1, 'warehouse-1', 0.1, 300000, printf('%.80c', 'a'));
            WITH RECURSIVE d(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM d WHERE x < {Districts})
            INSERT INTO district SELECT x, 'district-' || x, 0.05 + x / 100.0, 30000, {CustomersPerDistrict + 1}, printf('%.80c', 'b') FROM d;
            WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < {Districts * CustomersPerDistrict - 1})
            INSERT INTO customer SELECT x / {CustomersPerDistrict} + 1, x % {CustomersPerDistrict} + 1, 'last-' || (x % 997), (x % 50) / 100.0,
                -10, 10, 1, printf('%.300c', char(65 + x % 26)) FROM c;
            WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < {Items})
            INSERT INTO item SELECT x, 'item-' || x, 1 + (x * 7919 % 10000) / 100.0, printf('%.40c', char(65 + x % 26)) FROM i;
            WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {Items})
            INSERT INTO stock SELECT x, 10 + x % 91, 0, 0, printf('%.24c', char(97 + x % 26)), printf('%.120c', char(65 + x % 26)) FROM s;
            INSERT INTO orders SELECT d_id, c_id, c_id, 0, {LinesPerInitialOrder} FROM customer;
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {LinesPerInitialOrder})
            INSERT INTO order_line SELECT o.d_id, o.o_id, n.x, (o.o_id * 31 + n.x * 977) % {Items} + 1, 5, 0, printf('%.24c', 'd') FROM orders o, n;
            COMMIT;
            """);
    }

    /// <summary>The database's size in bytes (page count × page size).</summary>
    public static long Bytes(FolioConnection connection) =>
        (long)connection.ExecuteScalar("PRAGMA page_count")! * (long)connection.ExecuteScalar("PRAGMA page_size")!;

    /// <summary>Runs <paramref name="count"/> transactions of the mix.</summary>
    public void Run(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Next();
        }
    }

    /// <summary>One transaction of the mix, chosen at random in TPC-C's proportions (delivery left out).</summary>
    public void Next()
    {
        var pick = _random.Next(100);
        if (pick < 45)
        {
            NewOrder();
        }
        else if (pick < 88)
        {
            Payment();
        }
        else if (pick < 94)
        {
            OrderStatus();
        }
        else
        {
            StockLevel();
        }
    }

    /// <summary>An order of 5 to 15 lines: the district's next order number, the items' prices, each stock row updated.</summary>
    public void NewOrder()
    {
        var d = _random.Next(1, Districts + 1);
        var c = _random.Next(1, CustomersPerDistrict + 1);
        var lines = _random.Next(5, 16);
        var picks = new (int Item, int Quantity)[lines];
        for (var n = 0; n < lines; n++)
        {
            picks[n] = (_random.Next(1, Items + 1), _random.Next(1, 11));
        }
        Write(() =>
        {
            var tax = (double)connection.ExecuteScalar("SELECT tax FROM warehouse WHERE w_id = 1")!;
            var o = (long)connection.ExecuteScalar("UPDATE district SET next_o_id = next_o_id + 1 WHERE d_id = ?1 RETURNING next_o_id - 1", d)!;
            var discount = (double)connection.ExecuteScalar("SELECT discount FROM customer WHERE d_id = ?1 AND c_id = ?2", d, c)!;
            connection.Execute("INSERT INTO orders VALUES (?1, ?2, ?3, ?4, ?5); INSERT INTO new_order VALUES (?1, ?2)", d, o, c, o, lines);
            for (var n = 1; n <= lines; n++)
            {
                var (item, quantity) = picks[n - 1];
                var price = (double)connection.ExecuteScalar("SELECT price FROM item WHERE i_id = ?1", item)!;
                var info = (string)connection.ExecuteScalar(
                    "UPDATE stock SET quantity = CASE WHEN quantity >= ?2 + 10 THEN quantity - ?2 ELSE quantity - ?2 + 91 END, ytd = ytd + ?2, order_cnt = order_cnt + 1 WHERE i_id = ?1 RETURNING dist_info",
                    item, quantity)!;
                connection.Execute("INSERT INTO order_line VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", d, o, n, item, quantity, quantity * price * (1 + tax) * (1 - discount), info);
            }
        });
    }

    /// <summary>A payment: the warehouse's, the district's and the customer's totals, and a history row.</summary>
    public void Payment()
    {
        var d = _random.Next(1, Districts + 1);
        var c = _random.Next(1, CustomersPerDistrict + 1);
        var amount = _random.Next(100, 500_000) / 100.0;
        Write(() => connection.Execute("""
            UPDATE warehouse SET ytd = ytd + ?3 WHERE w_id = 1;
            UPDATE district SET ytd = ytd + ?3 WHERE d_id = ?1;
            UPDATE customer SET balance = balance - ?3, ytd_payment = ytd_payment + ?3, payment_cnt = payment_cnt + 1 WHERE d_id = ?1 AND c_id = ?2;
            INSERT INTO history(d_id, c_id, amount, data) VALUES (?1, ?2, ?3, 'warehouse-1 district-' || ?1);
            """, d, c, amount));
    }

    /// <summary>Runs one write transaction: by hand, or through the runner the workload was given.</summary>
    private void Write(Action work)
    {
        if (writeTransactions is not null)
        {
            writeTransactions(connection, work);
            return;
        }
        connection.Execute("BEGIN IMMEDIATE");
        try
        {
            work();
            connection.Execute("COMMIT");
        }
        catch
        {
            connection.Execute("ROLLBACK");
            throw;
        }
    }

    /// <summary>A customer's balance, last order and its lines (read-only).</summary>
    public int OrderStatus()
    {
        var d = _random.Next(1, Districts + 1);
        var c = _random.Next(1, CustomersPerDistrict + 1);
        connection.Execute("BEGIN");
        try
        {
            connection.ExecuteScalar("SELECT balance FROM customer WHERE d_id = ?1 AND c_id = ?2", d, c);
            var o = (long)connection.ExecuteScalar("SELECT max(o_id) FROM orders WHERE d_id = ?1 AND c_id = ?2", d, c)!;
            return connection.Query("SELECT i_id, quantity, amount FROM order_line WHERE d_id = ?1 AND o_id = ?2", d, o).Count;
        }
        finally
        {
            connection.Execute("COMMIT");
        }
    }

    /// <summary>How many items of the district's last 20 orders are low on stock (read-only).</summary>
    public long StockLevel()
    {
        var d = _random.Next(1, Districts + 1);
        var threshold = _random.Next(10, 21);
        return (long)connection.ExecuteScalar("""
            SELECT count(DISTINCT s.i_id) FROM district di
            JOIN order_line ol ON ol.d_id = di.d_id AND ol.o_id >= di.next_o_id - 20 AND ol.o_id < di.next_o_id
            JOIN stock s ON s.i_id = ol.i_id
            WHERE di.d_id = ?1 AND s.quantity < ?2
            """, d, threshold)!;
    }
}
