using System.Globalization;

namespace DurableGrains;

/// <summary>The sample's command line.</summary>
public sealed class SampleOptions
{
    /// <summary>How to call the sample.</summary>
    public const string Usage = """
        usage: DurableGrains [demo|silo|client] [--redis HOST:PORT] [--silo-port N] [--gateway-port N] [--primary-port N] [--verbose]
          demo    (default) start Redis if none is configured, one silo and a client; restart the silo; show nothing was lost
          silo    run one silo until Ctrl+C (the first one is the primary; others pass --primary-port of the first)
          client  post to accounts through a silo's gateway (--gateway-port, default 30000)
        FOLIO_REDIS=HOST:PORT stands for --redis. FOLIO_LEDGER__KEYFILE=PATH encrypts the ledgers (AES-256-GCM, keys from a Folio key file).
        """;

    /// <summary>demo, silo or client.</summary>
    public string Mode { get; private set; } = "demo";

    /// <summary>--redis.</summary>
    public string? Redis { get; private set; }

    /// <summary>--silo-port.</summary>
    public int? SiloPort { get; private set; }

    /// <summary>--gateway-port.</summary>
    public int? GatewayPort { get; private set; }

    /// <summary>--primary-port.</summary>
    public int? PrimaryPort { get; private set; }

    /// <summary>--verbose: Orleans' information logs.</summary>
    public bool Verbose { get; private set; }

    /// <summary>What was wrong with the command line, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads <paramref name="args"/>.</summary>
    public static SampleOptions Parse(string[] args)
    {
        var options = new SampleOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            int? Port()
            {
                var text = Next();
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
                {
                    return port;
                }
                options.Error ??= $"{arg} needs a port number from 1 to 65535, not '{text}'.";
                return null;
            }
            switch (arg)
            {
                case "demo" or "silo" or "client" when i == 0:
                    options.Mode = arg;
                    break;
                case "--redis":
                    options.Redis = Next() ?? "";
                    if (options.Redis.Length == 0)
                    {
                        options.Error ??= "--redis needs HOST:PORT.";
                    }
                    break;
                case "--silo-port":
                    options.SiloPort = Port();
                    break;
                case "--gateway-port":
                    options.GatewayPort = Port();
                    break;
                case "--primary-port":
                    options.PrimaryPort = Port();
                    break;
                case "--verbose":
                    options.Verbose = true;
                    break;
                default:
                    options.Error ??= $"Unknown argument '{arg}'.";
                    break;
            }
        }
        return options;
    }
}
