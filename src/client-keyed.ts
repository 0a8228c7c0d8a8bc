/**
 * Records keyed by names a client chooses (headers, query parameters): no inherited names, so
 * `constructor` or `__proto__` are keys like any other. Instances of a constructor whose
 * prototype has no prototype of its own: unlike `Object.create(null)`, which V8 keeps as a hash
 * table, these stay in its fast object mode (measured: less garbage per request).
 * @example const headers = clientKeyed<string>(); headers.__proto__ = 'x' // an own key
 */
export const clientKeyed = <T>(): Record<string, T> => new (KeyedRecord as unknown as new () => Record<string, T>)()

function KeyedRecord() {}
KeyedRecord.prototype = Object.create(null)
