/**
 * @module gmc/reflect-shim
 * The smallest `Reflect` metadata polyfill that @peculiar/x509 2.x needs: its dependency tsyringe
 * refuses to load unless `Reflect.getMetadata` exists, and at run time only reads and writes
 * metadata (`getMetadata`, `getOwnMetadata`, `defineMetadata`). Installed only when missing, so an
 * application that already loads `reflect-metadata` keeps its own. Imported before @peculiar/x509
 * by `gmc/x509.ts` and nowhere else, so the core entry never installs it and the user never has to
 * import a polyfill.
 */

type MetadataMap = Map<unknown, Map<string | symbol | undefined, unknown>>;

interface ReflectMetadataApi {
  getMetadata?: (key: unknown, target: object, property?: string | symbol) => unknown;
  getOwnMetadata?: (key: unknown, target: object, property?: string | symbol) => unknown;
  defineMetadata?: (
    key: unknown,
    value: unknown,
    target: object,
    property?: string | symbol,
  ) => void;
  hasMetadata?: (key: unknown, target: object, property?: string | symbol) => boolean;
  hasOwnMetadata?: (key: unknown, target: object, property?: string | symbol) => boolean;
  metadata?: (key: unknown, value: unknown) => (target: object, property?: string | symbol) => void;
}

function install(): boolean {
  const api = Reflect as unknown as ReflectMetadataApi;
  if (typeof api.getMetadata === 'function') return false;
  const store = new WeakMap<object, MetadataMap>();
  const own = (target: object, property: string | symbol | undefined, create: boolean) => {
    let byKey = store.get(target);
    if (!byKey) {
      if (!create) return undefined;
      byKey = new Map();
      store.set(target, byKey);
    }
    let byProperty = byKey.get(property);
    if (!byProperty) {
      if (!create) return undefined;
      byProperty = new Map();
      byKey.set(property, byProperty);
    }
    return byProperty;
  };
  api.defineMetadata = (key, value, target, property) => {
    own(target, property, true)?.set(key as string, value);
  };
  api.getOwnMetadata = (key, target, property) => own(target, property, false)?.get(key as string);
  api.hasOwnMetadata = (key, target, property) =>
    own(target, property, false)?.has(key as string) ?? false;
  api.hasMetadata = (key, target, property) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      if (api.hasOwnMetadata?.(key, t, property)) return true;
    }
    return false;
  };
  api.getMetadata = (key, target, property) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const map = own(t, property, false);
      if (map?.has(key as string)) return map.get(key as string);
    }
    return undefined;
  };
  api.metadata = (key, value) => (target, property) =>
    api.defineMetadata?.(key, value, target, property);
  return true;
}

/**
 * True when this module installed the polyfill (false when one was already present).
 * @example import { reflectShimInstalled } from './reflect-shim.js'; void reflectShimInstalled;
 */
export const reflectShimInstalled: boolean = install();
