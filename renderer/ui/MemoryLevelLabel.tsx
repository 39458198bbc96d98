import { MEMORY_LEVEL_LABEL, type MemoryLevel } from '../lib/memory-level.js';
import './memory-level.css';

/** `High` or `Critical` in the level's colour next to a memory bar; nothing at normal use. */
export function MemoryLevelLabel({ level }: { level: MemoryLevel }) {
  if (level === 'normal') return null;
  return <span className={`level-label level-${level}`}>{MEMORY_LEVEL_LABEL[level]}</span>;
}
