// The few WebAssembly globals the loader uses. Node provides them; TypeScript declares
// them only in its DOM library, which a Node package should not pull in.
declare namespace WebAssembly {
	class Module {
		constructor(bytes: Uint8Array);
	}
	class RuntimeError extends Error {}
}
