// Loads the Rust core lazily: nothing happens when n8n loads the package; the first
// execution (or credential use) compiles the embedded module once per process. The
// module's bytes are embedded (no fs, path or __dirname), so the package works wherever
// n8n unpacks it.
import type { CoreBindings } from './types';

let compiled: Promise<WebAssembly.Module> | undefined;
let compiledModule: WebAssembly.Module | undefined;
let current: CoreBindings | undefined;

async function compile(): Promise<WebAssembly.Module> {
	const { WASM_BASE64 } = await import('./generated/wasmBase64');
	return new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
}

async function bindingsFactory(): Promise<(module: WebAssembly.Module) => CoreBindings> {
	const { instantiateCore } = await import('./generated/bindings');
	return instantiateCore;
}

let instantiate: ((module: WebAssembly.Module) => CoreBindings) | undefined;

/** The core, compiled and instantiated on first use. */
export async function loadCore(): Promise<CoreBindings> {
	if (current) return current;
	compiled ??= compile();
	compiledModule = await compiled;
	instantiate ??= await bindingsFactory();
	current ??= instantiate(compiledModule);
	return current;
}

/**
 * Replaces an instance that trapped (its memory can no longer be trusted) with a fresh
 * one from the already compiled module. Only valid after `loadCore` has resolved once.
 */
export function replaceCore(broken: CoreBindings): CoreBindings {
	if (current !== broken && current !== undefined) return current;
	if (!compiledModule || !instantiate) {
		throw new Error('The Instagram core was never loaded');
	}
	current = instantiate(compiledModule);
	return current;
}

/** A WebAssembly trap: the instance that raised it must not be used again. */
export function isTrap(error: unknown): boolean {
	return error instanceof WebAssembly.RuntimeError;
}
