// Runs the Meta imitation as a process: for the end-to-end suite, the benchmarks and the
// local demo (`npm start`). Prints one JSON line with its address once it listens, and
// stops on SIGINT or SIGTERM.
//
//   node .tmp/build/sandbox/server.js --port 8787 --token T --secret S [--latency 100] [--send-limit 100]
import { startMetaImitation } from './metaImitation';

function argument(name: string, fallback?: string): string | undefined {
	const at = process.argv.indexOf(`--${name}`);
	return at >= 0 ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
	const accessToken = argument('token', process.env.SANDBOX_ACCESS_TOKEN);
	const appSecret = argument('secret', process.env.SANDBOX_APP_SECRET);
	if (!accessToken || !appSecret) {
		throw new Error('sandbox: --token and --secret (or SANDBOX_ACCESS_TOKEN and SANDBOX_APP_SECRET) are required');
	}
	const imitation = await startMetaImitation({
		apps: [{ accessToken, appSecret }],
		port: Number(argument('port', '0')),
		latencyMs: Number(argument('latency', '0')),
		keepBodies: argument('keep-bodies', 'true') !== 'false',
		sendLimitPerSecond: argument('send-limit') === undefined ? undefined : Number(argument('send-limit')),
	});
	process.stdout.write(`${JSON.stringify({ url: imitation.url, port: imitation.port })}\n`);
	const stop = () => {
		void imitation.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
});
