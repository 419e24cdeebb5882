/**
 * The statechart's content, read from the machine definition itself (`machine.root` and its
 * state nodes): states, their nesting, initial states, invoked actors, and every transition with
 * the events that trigger it. Nothing here is a hand-kept copy of the machine.
 */

/** The parts of an XState transition definition the chart reads. */
export interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly StateNodeLike[] | undefined;
  readonly guard?: unknown;
  readonly delay?: unknown;
}

/** The parts of an XState state node the chart reads (`machine.root` and its `states`). */
export interface StateNodeLike {
  readonly id: string;
  readonly key: string;
  readonly path: readonly string[];
  readonly type: string;
  readonly states: Readonly<Record<string, StateNodeLike>>;
  readonly initial?: { readonly target: readonly StateNodeLike[] } | undefined;
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly after: readonly TransitionLike[];
  readonly always?: readonly TransitionLike[] | undefined;
  readonly invoke: readonly { readonly id: string }[];
  readonly tags: readonly string[] | ReadonlySet<string>;
}

/** A state machine, as far as drawing it goes: an XState `StateMachine` is one. */
export interface MachineLike {
  readonly id: string;
  readonly root: StateNodeLike;
}

/** One state of the chart. */
export interface ChartState {
  /** The XState node id, e.g. `perfvoice.session.online`. */
  id: string;
  /** Its key, e.g. `online` (the machine id for the root). */
  name: string;
  /** Dotted path from the root, e.g. `session.online` (empty for the root). */
  path: string;
  kind: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  depth: number;
  parent: ChartState | null;
  children: ChartState[];
  /** The initial child's id (compound states). */
  initial: string | null;
  /** Ids of the actors the state invokes. */
  invokes: string[];
  tags: string[];
  /** Transitions that stay in the state (actions only), as event labels. */
  internal: string[];
}

/** One arrow: every transition from `source` to `target`, with their event labels. */
export interface ChartEdge {
  source: ChartState;
  target: ChartState;
  events: string[];
}

/** The chart's content. */
export interface ChartModel {
  root: ChartState;
  states: ChartState[];
  edges: ChartEdge[];
}

function guardName(guard: unknown): string | null {
  if (!guard) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'guard';
}

/** How a transition is labelled: its event, `after <delay>`, or `always`, plus `[guard]`. */
export function transitionLabel(transition: TransitionLike, isAfter: boolean, isAlways: boolean): string {
  let label = transition.eventType;
  if (isAfter) {
    const delay = transition.delay;
    label = `after ${typeof delay === 'number' ? `${delay} ms` : String(delay)}`;
  } else if (isAlways) label = 'always';
  const guard = guardName(transition.guard);
  return guard ? `${label} [${guard}]` : label;
}

/** Reads the chart's states and transitions from a machine. */
export function chartModel(machine: MachineLike): ChartModel {
  const states: ChartState[] = [];
  const byId = new Map<string, ChartState>();
  const pending: { source: ChartState; targets: readonly StateNodeLike[]; label: string }[] = [];

  const visit = (node: StateNodeLike, parent: ChartState | null): ChartState => {
    const state: ChartState = {
      id: node.id,
      name: parent ? node.key : machine.id,
      path: node.path.join('.'),
      kind: node.type as ChartState['kind'],
      depth: parent ? parent.depth + 1 : 0,
      parent,
      children: [],
      initial: node.initial?.target[0]?.id ?? null,
      invokes: node.invoke.map((invoke) => invoke.id),
      tags: [...node.tags],
      internal: [],
    };
    states.push(state);
    byId.set(state.id, state);
    const after = new Set(node.after);
    const always = new Set(node.always ?? []);
    const transitions = [...node.transitions.values()].flat().concat([...always]);
    for (const transition of transitions) {
      const label = transitionLabel(transition, after.has(transition), always.has(transition));
      const targets = transition.target ?? [];
      if (!targets.length) state.internal.push(label);
      else pending.push({ source: state, targets, label });
    }
    state.children = Object.values(node.states).map((child) => visit(child, state));
    return state;
  };
  const root = visit(machine.root, null);

  const edges: ChartEdge[] = [];
  for (const { source, targets, label } of pending) {
    for (const node of targets) {
      const target = byId.get(node.id);
      if (!target) continue;
      if (target === source) {
        source.internal.push(`${label} ↻`);
        continue;
      }
      const edge = edges.find((e) => e.source === source && e.target === target);
      if (edge) edge.events.push(label);
      else edges.push({ source, target, events: [label] });
    }
  }
  return { root, states, edges };
}
