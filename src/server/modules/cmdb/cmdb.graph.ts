/**
 * The relationship graph in memory, for impact walks: CIs are numbered, and each one's links
 * are kept twice in compressed sparse rows (by source: the targets; by target: the sources),
 * an int32 neighbour and a uint16 type per link, about 12 bytes per relationship. Links added
 * after the rows were built sit in a small overlay per CI; removed ones are marked in place
 * (the top bit of their type), so neither needs the rows rebuilt. When the overlay grows past
 * a fraction of the rows, `compact` folds it in.
 *
 * The graph is a set of (source, type, target): adding a present link and removing an absent
 * one change nothing, which makes replaying a change log from an earlier point safe (each
 * link ends as its last logged change left it).
 */

const DEAD = 0x8000;

/** Growable typed columns for the links read while building. */
class EdgeList {
  src = new Int32Array(1024);
  dst = new Int32Array(1024);
  type = new Uint16Array(1024);
  length = 0;
  push(s: number, d: number, t: number): void {
    if (this.length === this.src.length) {
      const grow = <T extends Int32Array | Uint16Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.src = grow(this.src);
      this.dst = grow(this.dst);
      this.type = grow(this.type);
    }
    this.src[this.length] = s;
    this.dst[this.length] = d;
    this.type[this.length++] = t;
  }
}

/** One direction's rows: `start[n]..start[n+1]` index the neighbours and types of CI n. */
interface Rows {
  start: Int32Array;
  next: Int32Array;
  type: Uint16Array;
}

function buildRows(nodes: number, from: Int32Array, to: Int32Array, types: Uint16Array, length: number): Rows {
  const start = new Int32Array(nodes + 1);
  for (let i = 0; i < length; i++) start[from[i] + 1]++;
  for (let n = 0; n < nodes; n++) start[n + 1] += start[n];
  const fill = start.slice(0, nodes);
  const next = new Int32Array(length);
  const type = new Uint16Array(length);
  for (let i = 0; i < length; i++) {
    const at = fill[from[i]]++;
    next[at] = to[i];
    type[at] = types[i];
  }
  return { start, next, type };
}

const EMPTY_ROWS: Rows = { start: new Int32Array(1), next: new Int32Array(0), type: new Uint16Array(0) };

/** The CIs reached by a walk: for each, its depth and the hop that reached it (indices into the graph). */
export interface GraphReach {
  order: number[];
  depth: Map<number, number>;
  from: Map<number, number>;
  type: Map<number, number>;
}

/** The relationship graph; see the file comment. */
export class ImpactGraph {
  readonly ids: string[] = [];
  readonly #index = new Map<string, number>();
  readonly types: string[] = [];
  readonly #typeIndex = new Map<string, number>();
  #building: EdgeList | null = new EdgeList();
  #out: Rows = EMPTY_ROWS;
  #in: Rows = EMPTY_ROWS;
  #rowNodes = 0;
  #addOut = new Map<number, number[]>();
  #addIn = new Map<number, number[]>();
  #overlay = 0;
  #live = 0;

  /** The number of a CI, numbering it when new. */
  node(id: string): number {
    let n = this.#index.get(id);
    if (n === undefined) {
      n = this.ids.length;
      this.ids.push(id);
      this.#index.set(id, n);
    }
    return n;
  }

  /** The number of a CI, or undefined when no link ever touched it. */
  find(id: string): number | undefined {
    return this.#index.get(id);
  }

  /** The number of a relationship type, numbering it when new. */
  typeNumber(name: string): number {
    let t = this.#typeIndex.get(name);
    if (t === undefined) {
      t = this.types.length;
      if (t >= DEAD) throw new Error("too many relationship types for the impact graph");
      this.types.push(name);
      this.#typeIndex.set(name, t);
    }
    return t;
  }

  /** Adds a link read from the table while building (before `seal`). */
  load(source: string, type: string, target: string): void {
    this.#building!.push(this.node(source), this.node(target), this.typeNumber(type));
  }

  /** Turns the links loaded so far into rows; later changes go through add/remove. */
  seal(): void {
    const e = this.#building ?? new EdgeList();
    this.#building = null;
    this.#rowNodes = this.ids.length;
    this.#out = buildRows(this.#rowNodes, e.src, e.dst, e.type, e.length);
    this.#in = buildRows(this.#rowNodes, e.dst, e.src, e.type, e.length);
    this.#live = e.length;
    this.#addOut.clear();
    this.#addIn.clear();
    this.#overlay = 0;
  }

  /** Links currently present. */
  get edgeCount(): number {
    return this.#live;
  }

  /** Bytes held by the rows and overlay (not counting the CI id strings and their map). */
  get bytes(): number {
    const rows = (r: Rows) => r.start.byteLength + r.next.byteLength + r.type.byteLength;
    return rows(this.#out) + rows(this.#in) + this.#overlay * 2 * 16;
  }

  /** Adds a link (no change when present). */
  add(source: string, type: string, target: string): void {
    const s = this.node(source);
    const d = this.node(target);
    const t = this.typeNumber(type);
    if (this.#has(s, t, d)) return;
    // A removed link still in the rows comes back in place.
    if (this.#revive(this.#out, s, d, t)) {
      this.#revive(this.#in, d, s, t);
    } else {
      push(this.#addOut, s, d, t);
      push(this.#addIn, d, s, t);
      this.#overlay++;
    }
    this.#live++;
  }

  /** Removes a link (no change when absent; every copy when the build read one twice). */
  remove(source: string, type: string, target: string): void {
    const s = this.#index.get(source);
    const d = this.#index.get(target);
    const t = this.#typeIndex.get(type);
    if (s === undefined || d === undefined || t === undefined) return;
    const removed = kill(this.#out, this.#rowNodes, s, d, t) + drop(this.#addOut, s, d, t);
    kill(this.#in, this.#rowNodes, d, s, t);
    if (drop(this.#addIn, d, s, t)) this.#overlay--;
    if (removed) this.#live--;
  }

  /** True once the overlay is large enough that rebuilding the rows pays. */
  get wantsCompaction(): boolean {
    return this.#overlay > 50_000 && this.#overlay > this.#live / 8;
  }

  /** Folds the overlay and removed links into fresh rows. */
  compact(): void {
    const e = new EdgeList();
    this.forEachOut((s, d, t) => e.push(s, d, t));
    this.#building = e;
    this.seal();
  }

  /** Calls `fn` for every present link, by source. */
  forEachOut(fn: (source: number, target: number, type: number) => void): void {
    const { start, next, type } = this.#out;
    for (let s = 0; s < this.#rowNodes; s++) {
      for (let i = start[s]; i < start[s + 1]; i++) if (!(type[i] & DEAD)) fn(s, next[i], type[i]);
    }
    for (const [s, list] of this.#addOut) for (let i = 0; i < list.length; i += 2) fn(s, list[i], list[i + 1]);
  }

  #has(s: number, t: number, d: number): boolean {
    if (s < this.#rowNodes) {
      const { start, next, type } = this.#out;
      for (let i = start[s]; i < start[s + 1]; i++) if (next[i] === d && type[i] === t) return true;
    }
    const list = this.#addOut.get(s);
    if (list) for (let i = 0; i < list.length; i += 2) if (list[i] === d && list[i + 1] === t) return true;
    return false;
  }

  #revive(rows: Rows, a: number, b: number, t: number): boolean {
    if (a >= this.#rowNodes) return false;
    for (let i = rows.start[a]; i < rows.start[a + 1]; i++) {
      if (rows.next[i] === b && rows.type[i] === (t | DEAD)) {
        rows.type[i] = t;
        return true;
      }
    }
    return false;
  }

  /**
   * Breadth-first from `root` up to `depth` hops. `follow[t]` says which ends of a type-t link
   * a failure travels along: 1 from target to source, 2 from source to target (3 both). Per
   * level, the links into the frontier come first and then those out of it, as the SQL walk
   * reads them, so both usually pick the same hop when two reach a CI at the same depth.
   */
  walk(root: number, follow: Uint8Array, depth: number): GraphReach {
    const reach: GraphReach = { order: [], depth: new Map(), from: new Map(), type: new Map() };
    let frontier = [root];
    const visit = (n: number, level: number, from: number, t: number, next: number[]) => {
      if (n === root || reach.depth.has(n)) return;
      reach.depth.set(n, level);
      reach.from.set(n, from);
      reach.type.set(n, t);
      reach.order.push(n);
      next.push(n);
    };
    for (let level = 1; level <= depth && frontier.length; level++) {
      const next: number[] = [];
      for (const [rows, add, bit] of [[this.#in, this.#addIn, 1], [this.#out, this.#addOut, 2]] as const) {
        for (const n of frontier) {
          if (n < this.#rowNodes) {
            for (let i = rows.start[n]; i < rows.start[n + 1]; i++) {
              const t = rows.type[i];
              if (!(t & DEAD) && follow[t] & bit) visit(rows.next[i], level, n, t, next);
            }
          }
          const list = add.get(n);
          if (list) for (let i = 0; i < list.length; i += 2) if (follow[list[i + 1]] & bit) visit(list[i], level, n, list[i + 1], next);
        }
      }
      frontier = next;
    }
    return reach;
  }
}

function push(map: Map<number, number[]>, a: number, b: number, t: number): void {
  const list = map.get(a);
  if (list) list.push(b, t);
  else map.set(a, [b, t]);
}

/** Marks every live copy of a->b (type t) in the rows removed; returns how many. */
function kill(rows: Rows, rowNodes: number, a: number, b: number, t: number): number {
  if (a >= rowNodes) return 0;
  let n = 0;
  for (let i = rows.start[a]; i < rows.start[a + 1]; i++) {
    if (rows.next[i] === b && rows.type[i] === t) {
      rows.type[i] = t | DEAD;
      n++;
    }
  }
  return n;
}

/** Removes a->b (type t) from an overlay; returns 1 when it was there. */
function drop(map: Map<number, number[]>, a: number, b: number, t: number): number {
  const list = map.get(a);
  if (!list) return 0;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === b && list[i + 1] === t) {
      list.splice(i, 2);
      if (!list.length) map.delete(a);
      return 1;
    }
  }
  return 0;
}
