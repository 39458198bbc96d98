import type { ReactNode } from 'react';
import './panel.css';

interface PanelProps {
  title: string;
  /** Right side of the header: counts, filters, buttons. */
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A titled card; the section is labelled by its heading so screen readers list it as a region. */
export function Panel({ title, actions, className, children }: PanelProps) {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={id}>
      <header className="panel-head">
        <h2 id={id}>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
