//! Automata, as Lucene builds them: a parsed pattern becomes a Thompson NFA, which is determinized
//! (subset construction) into a DFA; complement and intersection work on DFAs. Matching a value walks
//! the DFA once, so it is linear in the value's length and never backtracks.
//!
//! Every construction is bounded: a determinization stops at [`MAX_DETERMINIZED_STATES`]
//! (Elasticsearch's `max_determinized_states`), an NFA at [`MAX_NFA_STATES`], and the whole
//! compilation at a [`Budget`] of elementary steps, so a hostile pattern costs a bounded time and
//! memory and is answered with [`PatternError::TooComplex`].

use std::collections::HashMap;

use super::PatternError;
use super::parse::Node;
use super::ranges::{self, MAX_CHAR};

/// Elasticsearch's default `max_determinized_states`.
pub(crate) const MAX_DETERMINIZED_STATES: usize = 10_000;
/// The most states the NFA of one (sub)pattern may have.
pub(super) const MAX_NFA_STATES: usize = 50_000;
/// The most elementary steps one compilation may take. Every state of a subset costs a step, so
/// this also bounds the memory the subsets of a determinization hold (about 32 MB).
const WORK: u64 = 4_000_000;

/// What a compilation may still spend.
#[derive(Debug)]
pub(super) struct Budget {
    left: u64,
}

impl Budget {
    pub(super) fn new() -> Self {
        Self { left: WORK }
    }

    fn spend(&mut self, steps: usize) -> Result<(), PatternError> {
        let steps = u64::try_from(steps).unwrap_or(u64::MAX);
        self.left = self
            .left
            .checked_sub(steps)
            .ok_or(PatternError::TooExpensive { steps: WORK })?;
        Ok(())
    }
}

/// A transition on a range of code points to a state.
type Edge = (u32, u32, u32);

#[derive(Debug, Default, Clone)]
struct NfaState {
    epsilon: Vec<u32>,
    edges: Vec<Edge>,
}

/// A Thompson NFA under construction.
#[derive(Debug)]
struct Nfa<'b> {
    states: Vec<NfaState>,
    case_insensitive: bool,
    budget: &'b mut Budget,
}

/// A deterministic automaton; state 0 is the start.
#[derive(Debug, Clone)]
pub(super) struct Dfa {
    states: Vec<DfaState>,
}

#[derive(Debug, Clone, Default)]
struct DfaState {
    accept: bool,
    /// Sorted, disjoint.
    edges: Vec<Edge>,
}

/// Compiles a tree into a DFA.
pub(super) fn compile(
    node: &Node,
    case_insensitive: bool,
    budget: &mut Budget,
) -> Result<Dfa, PatternError> {
    let mut nfa = Nfa {
        states: Vec::new(),
        case_insensitive,
        budget,
    };
    let (start, end) = nfa.fragment(node)?;
    nfa.determinize(start, end)
}

impl Nfa<'_> {
    fn state(&mut self) -> Result<u32, PatternError> {
        if self.states.len() >= MAX_NFA_STATES {
            return Err(PatternError::TooComplex {
                states: self.states.len(),
                transitions: self.transitions(),
            });
        }
        self.budget.spend(1)?;
        self.states.push(NfaState::default());
        Ok(u32::try_from(self.states.len() - 1).unwrap_or(u32::MAX))
    }

    fn transitions(&self) -> usize {
        self.states.iter().map(|state| state.edges.len()).sum()
    }

    fn epsilon(&mut self, from: u32, to: u32) {
        if let Some(state) = self.states.get_mut(from as usize) {
            state.epsilon.push(to);
        }
    }

    fn edge(&mut self, from: u32, low: u32, high: u32, to: u32) {
        if let Some(state) = self.states.get_mut(from as usize) {
            state.edges.push((low, high, to));
        }
    }

    /// Builds `node` as a fragment with one start and one end state. Recursion follows the tree,
    /// whose depth the parser bounds.
    fn fragment(&mut self, node: &Node) -> Result<(u32, u32), PatternError> {
        Ok(match node {
            Node::Empty => {
                let state = self.state()?;
                (state, state)
            }
            Node::Nothing => (self.state()?, self.state()?),
            Node::AnyString => {
                let state = self.state()?;
                self.edge(state, 0, MAX_CHAR, state);
                (state, state)
            }
            Node::Class(set) => {
                let (start, end) = (self.state()?, self.state()?);
                let set = if self.case_insensitive {
                    ranges::fold_ascii_case(set)
                } else {
                    set.clone()
                };
                self.budget.spend(set.len())?;
                for (low, high) in set {
                    self.edge(start, low, high, end);
                }
                (start, end)
            }
            Node::Concat(items) => {
                let Some((first, rest)) = items.split_first() else {
                    let state = self.state()?;
                    return Ok((state, state));
                };
                let (start, mut end) = self.fragment(first)?;
                for item in rest {
                    let (next_start, next_end) = self.fragment(item)?;
                    self.epsilon(end, next_start);
                    end = next_end;
                }
                (start, end)
            }
            Node::Union(branches) => {
                let (start, end) = (self.state()?, self.state()?);
                for branch in branches {
                    let (branch_start, branch_end) = self.fragment(branch)?;
                    self.epsilon(start, branch_start);
                    self.epsilon(branch_end, end);
                }
                (start, end)
            }
            Node::Repeat { node, min, max } => self.repeat(node, *min, *max)?,
            Node::Complement(inner) => {
                let dfa = self.sub_dfa(inner)?.complement(self.budget)?;
                self.embed(&dfa)?
            }
            Node::Intersection(parts) => {
                let mut parts = parts.iter();
                let Some(first) = parts.next() else {
                    return self.fragment(&Node::Empty);
                };
                let mut dfa = self.sub_dfa(first)?;
                for part in parts {
                    let other = self.sub_dfa(part)?;
                    dfa = dfa.intersect(&other, self.budget)?;
                }
                self.embed(&dfa)?
            }
        })
    }

    /// `node` repeated `min` to `max` times: `min` copies, then either a loop or `max - min`
    /// optional copies. The node is determinized once and its DFA copied, so nested repetitions
    /// (`((a+)+)+`) grow with the DFA's size, not exponentially; each copy adds states, so the NFA
    /// limit bounds the loop whatever the counts.
    fn repeat(
        &mut self,
        node: &Node,
        min: u32,
        max: Option<u32>,
    ) -> Result<(u32, u32), PatternError> {
        let dfa = match node {
            Node::Class(_) | Node::Empty | Node::Nothing | Node::AnyString => None,
            complex => Some(self.sub_dfa(complex)?),
        };
        let copy = |nfa: &mut Self| match &dfa {
            Some(dfa) => nfa.embed(dfa),
            None => nfa.fragment(node),
        };
        let start = self.state()?;
        let mut end = start;
        for _ in 0..min {
            let (copy_start, copy_end) = copy(self)?;
            self.epsilon(end, copy_start);
            end = copy_end;
        }
        match max {
            None => {
                let (loop_start, loop_end) = copy(self)?;
                let after = self.state()?;
                self.epsilon(end, loop_start);
                self.epsilon(end, after);
                self.epsilon(loop_end, loop_start);
                self.epsilon(loop_end, after);
                Ok((start, after))
            }
            Some(max) => {
                let after = self.state()?;
                self.epsilon(end, after);
                for _ in min..max {
                    let (copy_start, copy_end) = copy(self)?;
                    self.epsilon(end, copy_start);
                    self.epsilon(copy_end, after);
                    end = copy_end;
                }
                Ok((start, after))
            }
        }
    }

    /// `node` compiled on its own into a DFA (for complement and intersection).
    fn sub_dfa(&mut self, node: &Node) -> Result<Dfa, PatternError> {
        compile(node, self.case_insensitive, self.budget)
    }

    /// Copies a DFA in as a fragment.
    fn embed(&mut self, dfa: &Dfa) -> Result<(u32, u32), PatternError> {
        let mut map = Vec::with_capacity(dfa.states.len());
        for _ in &dfa.states {
            map.push(self.state()?);
        }
        let end = self.state()?;
        let at = |index: u32| map.get(index as usize).copied().unwrap_or(end);
        for (index, state) in dfa.states.iter().enumerate() {
            let from = map.get(index).copied().unwrap_or(end);
            self.budget.spend(state.edges.len())?;
            for &(low, high, to) in &state.edges {
                self.edge(from, low, high, at(to));
            }
            if state.accept {
                self.epsilon(from, end);
            }
        }
        Ok((at(0), end))
    }

    /// The states reachable from `seeds` through epsilon moves, sorted.
    fn closure(&mut self, seeds: &[u32], seen: &mut Marks) -> Result<Vec<u32>, PatternError> {
        seen.next_generation();
        let mut stack: Vec<u32> = seeds.iter().copied().filter(|s| seen.mark(*s)).collect();
        let mut set = stack.clone();
        while let Some(state) = stack.pop() {
            let epsilon = self
                .states
                .get(state as usize)
                .map(|state| state.epsilon.as_slice())
                .unwrap_or_default();
            self.budget.spend(epsilon.len() + 1)?;
            for &next in epsilon {
                if seen.mark(next) {
                    stack.push(next);
                    set.push(next);
                }
            }
        }
        set.sort_unstable();
        Ok(set)
    }

    /// Subset construction, stopping at [`MAX_DETERMINIZED_STATES`].
    fn determinize(&mut self, start: u32, end: u32) -> Result<Dfa, PatternError> {
        let too_complex = |nfa: &Self| PatternError::TooComplex {
            states: nfa.states.len(),
            transitions: nfa.transitions(),
        };
        let mut seen = Marks::new(self.states.len());
        let first = self.closure(&[start], &mut seen)?;
        let mut index: HashMap<Vec<u32>, u32> = HashMap::new();
        index.insert(first.clone(), 0);
        let mut sets = vec![first];
        let mut dfa = Dfa { states: Vec::new() };
        let mut next = 0;
        while let Some(set) = sets.get(next).cloned() {
            next += 1;
            let mut edges: Vec<Edge> = Vec::new();
            for &state in &set {
                if let Some(state) = self.states.get(state as usize) {
                    edges.extend_from_slice(&state.edges);
                }
            }
            let mut bounds: Vec<u32> = edges
                .iter()
                .flat_map(|&(low, high, _)| [low, high.saturating_add(1)])
                .collect();
            bounds.sort_unstable();
            bounds.dedup();
            let mut out: Vec<Edge> = Vec::new();
            for window in bounds.windows(2) {
                let [low, after] = [window.first(), window.get(1)].map(|b| b.copied().unwrap_or(0));
                self.budget.spend(edges.len())?;
                let targets: Vec<u32> = edges
                    .iter()
                    .filter(|(from, to, _)| *from <= low && low <= *to)
                    .map(|&(_, _, target)| target)
                    .collect();
                if targets.is_empty() {
                    continue;
                }
                let target_set = self.closure(&targets, &mut seen)?;
                let target = match index.get(&target_set) {
                    Some(&target) => target,
                    None => {
                        if sets.len() >= MAX_DETERMINIZED_STATES {
                            return Err(too_complex(self));
                        }
                        let target = u32::try_from(sets.len()).unwrap_or(u32::MAX);
                        index.insert(target_set.clone(), target);
                        sets.push(target_set);
                        target
                    }
                };
                push_edge(&mut out, (low, after - 1, target));
            }
            dfa.states.push(DfaState {
                accept: set.binary_search(&end).is_ok(),
                edges: out,
            });
        }
        Ok(dfa)
    }
}

/// Appends an edge, merging it into the previous one when they touch and share a target.
fn push_edge(edges: &mut Vec<Edge>, edge: Edge) {
    if let Some(last) = edges.last_mut()
        && last.2 == edge.2
        && last.1.saturating_add(1) == edge.0
    {
        last.1 = edge.1;
        return;
    }
    edges.push(edge);
}

/// A set of NFA states, cleared in constant time by moving to a new generation.
struct Marks {
    generation: u32,
    marks: Vec<u32>,
}

impl Marks {
    fn new(states: usize) -> Self {
        Self {
            generation: 0,
            marks: vec![0; states],
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.marks.iter_mut().for_each(|mark| *mark = 0);
            self.generation = 1;
        }
    }

    /// Marks `state`; returns whether it was unmarked.
    fn mark(&mut self, state: u32) -> bool {
        match self.marks.get_mut(state as usize) {
            Some(mark) if *mark != self.generation => {
                *mark = self.generation;
                true
            }
            _ => false,
        }
    }
}

impl Dfa {
    fn transitions(&self) -> usize {
        self.states.iter().map(|state| state.edges.len()).sum()
    }

    /// Whether the whole of `value` is accepted: one step per character.
    pub(super) fn matches(&self, value: &str) -> bool {
        let mut state = 0u32;
        for c in value.chars() {
            let c = u32::from(c);
            let Some(current) = self.states.get(state as usize) else {
                return false;
            };
            let at = current.edges.partition_point(|&(_, high, _)| high < c);
            match current.edges.get(at) {
                Some(&(low, _, target)) if low <= c => state = target,
                _ => return false,
            }
        }
        self.states
            .get(state as usize)
            .is_some_and(|state| state.accept)
    }

    /// Every string this automaton rejects.
    fn complement(mut self, budget: &mut Budget) -> Result<Self, PatternError> {
        let dead = u32::try_from(self.states.len()).unwrap_or(u32::MAX);
        let mut needs_dead = false;
        for state in &mut self.states {
            budget.spend(state.edges.len() + 1)?;
            let mut full = Vec::with_capacity(state.edges.len() * 2 + 1);
            let mut next = 0u32;
            for &(low, high, target) in &state.edges {
                if low > next {
                    full.push((next, low - 1, dead));
                    needs_dead = true;
                }
                full.push((low, high, target));
                next = high.saturating_add(1);
            }
            if next <= MAX_CHAR && state.edges.last().is_none_or(|last| last.1 < MAX_CHAR) {
                full.push((next, MAX_CHAR, dead));
                needs_dead = true;
            }
            state.edges = full;
            state.accept = !state.accept;
        }
        if needs_dead || self.states.is_empty() {
            self.states.push(DfaState {
                accept: true,
                edges: vec![(0, MAX_CHAR, dead)],
            });
        }
        Ok(self)
    }

    /// The strings both automata accept (product construction).
    fn intersect(&self, other: &Self, budget: &mut Budget) -> Result<Self, PatternError> {
        let mut index: HashMap<(u32, u32), u32> = HashMap::from([((0, 0), 0)]);
        let mut pairs = vec![(0u32, 0u32)];
        let mut result = Self { states: Vec::new() };
        let mut next = 0;
        while let Some(&(a, b)) = pairs.get(next) {
            next += 1;
            let (Some(left), Some(right)) =
                (self.states.get(a as usize), other.states.get(b as usize))
            else {
                result.states.push(DfaState::default());
                continue;
            };
            budget.spend(left.edges.len() + right.edges.len() + 1)?;
            let mut edges = Vec::new();
            let (mut i, mut j) = (0, 0);
            while let (Some(&(l_low, l_high, l_to)), Some(&(r_low, r_high, r_to))) =
                (left.edges.get(i), right.edges.get(j))
            {
                let (low, high) = (l_low.max(r_low), l_high.min(r_high));
                if low <= high {
                    let target = match index.get(&(l_to, r_to)) {
                        Some(&target) => target,
                        None => {
                            if pairs.len() >= MAX_DETERMINIZED_STATES {
                                return Err(PatternError::TooComplex {
                                    states: self.states.len() + other.states.len(),
                                    transitions: self.transitions() + other.transitions(),
                                });
                            }
                            let target = u32::try_from(pairs.len()).unwrap_or(u32::MAX);
                            index.insert((l_to, r_to), target);
                            pairs.push((l_to, r_to));
                            target
                        }
                    };
                    push_edge(&mut edges, (low, high, target));
                }
                if l_high < r_high {
                    i += 1;
                } else {
                    j += 1;
                }
            }
            result.states.push(DfaState {
                accept: left.accept && right.accept,
                edges,
            });
        }
        Ok(result)
    }
}
