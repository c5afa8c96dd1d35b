import "./Spinner.css";

/** A small rotating ring; decorative unless given a label. */
export function Spinner({ size = 16, label }: { size?: number; label?: string }) {
  return (
    <span
      className="spinner"
      style={{ width: size, height: size }}
      role={label ? "status" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    />
  );
}

/** A centred spinner for a region that is loading for the first time. */
export function LoadingBlock({ label = "Loading" }: { label?: string }) {
  return (
    <div className="loading-block">
      <Spinner size={20} label={label} />
    </div>
  );
}
