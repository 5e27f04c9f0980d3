import { type Command, Option } from 'commander';
import type { FlagOrigin, StartFlags } from './start-flags.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the gateway in the foreground (SIGTERM/SIGINT/SIGQUIT drain and exit, SIGHUP reloads, SIGUSR1 reopens log files)')
    .addOption(new Option('-c, --conf <file>', 'declarative config file').env('SLUICE_CONF').default('kong.yaml'))
    .addOption(
      new Option('--proxy-listen <addr>', 'proxy listen address').env('SLUICE_PROXY_LISTEN').default('0.0.0.0:8000'),
    )
    .addOption(
      new Option('--proxy-ssl-listen <addr>', "TLS proxy listen address (Kong uses 0.0.0.0:8443), or 'off'")
        .env('SLUICE_PROXY_SSL_LISTEN')
        .default('off'),
    )
    .addOption(
      new Option('--ssl-cert <file>', 'default TLS certificate (PEM) when no SNI matches; self-signed if omitted').env(
        'SLUICE_SSL_CERT',
      ),
    )
    .addOption(new Option('--ssl-cert-key <file>', 'private key (PEM) of --ssl-cert').env('SLUICE_SSL_CERT_KEY'))
    .addOption(
      new Option('--admin-listen <addr>', "Admin API listen address, or 'off'")
        .env('SLUICE_ADMIN_LISTEN')
        .default('127.0.0.1:8001'),
    )
    .addOption(
      new Option('--status-listen <addr>', "status listener (/status, /status/ready, /metrics; Kong's status_listen), or 'off'")
        .env('SLUICE_STATUS_LISTEN')
        .default('off'),
    )
    .addOption(new Option('--admin-socket <path>', 'also serve the Admin API on a unix socket').env('SLUICE_ADMIN_SOCKET'))
    .addOption(new Option('--admin-token <token>', 'require this bearer token on the Admin API').env('SLUICE_ADMIN_TOKEN'))
    .addOption(
      // Its environment variable is read as a boolean by start-flags.ts (commander would take any value as "set").
      new Option(
        '--admin-expose-secrets',
        'return private keys and credential secrets from the Admin API, as Kong does (env: SLUICE_ADMIN_EXPOSE_SECRETS=on|off)',
      ),
    )
    .addOption(new Option('--no-watch', 'do not reload when the config file changes (env: SLUICE_WATCH=on|off)'))
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error'])
        .env('SLUICE_LOG_LEVEL')
        .default('info'),
    )
    .addOption(
      new Option('--log-format <format>', 'log format (auto = readable on a TTY, JSON otherwise)')
        .choices(['json', 'pretty', 'auto'])
        .env('SLUICE_LOG_FORMAT')
        .default('auto'),
    )
    .addOption(
      new Option('--engine <name>', 'proxy engine')
        .choices(['http-proxy', 'undici'])
        .env('SLUICE_ENGINE')
        .default('undici'),
    )
    .addOption(
      new Option('--headers <list>', "informational response headers (Kong's `headers`): server_tokens, latency_tokens, X-Kong-Request-Id, or off")
        .env('SLUICE_HEADERS')
        .default('server_tokens,latency_tokens,X-Kong-Request-Id'),
    )
    .addOption(
      new Option('--trusted-ips <list>', "peers whose X-Forwarded-* headers are trusted (Kong's trusted_ips)")
        .env('SLUICE_TRUSTED_IPS')
        .default(''),
    )
    .addOption(
      new Option('--drain-timeout <ms>', 'how long shutdown waits for in-flight requests')
        .env('SLUICE_DRAIN_TIMEOUT')
        .default('10000'),
    )
    .action(async (flags: StartFlags, command: Command) => {
      // Loaded lazily so `sluice --help` and `sluice validate` stay fast, and the runtime only once the flags are good.
      const [{ checkedOptions }, { EXIT }] = await Promise.all([import('./start-flags.js'), import('./flag-values.js')]);
      const origin = flagOrigin(command);
      const options = checkedOptions(flags, origin, process.env);
      if (options === null) return exitWhenIdle(EXIT.usage);
      const { runStart } = await import('./run-start.js');
      exitWhenIdle(await runStart(options, flags, origin));
    });
}

function flagOrigin(command: Command): FlagOrigin {
  const option = (key: string) => command.options.find((o) => o.attributeName() === key);
  return {
    name: (key) => {
      const o = option(key);
      if (!o) return key;
      return command.getOptionValueSource(key) === 'env' && o.envVar ? o.envVar : (o.long ?? key);
    },
    given: (key) => command.getOptionValueSource(key) === 'cli',
  };
}

/**
 * The process ends when its last handle closes; if a handle outlives the stop (a bug), it still ends with `code`
 * soon after, so a supervisor never waits on a gateway that has already stopped serving.
 */
function exitWhenIdle(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    process.stderr.write('sluice: handles still open after stopping; exiting\n');
    process.exit(code);
  }, 2000).unref();
}
