import "./Avatar.css";

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return "?";
  const first = parts[0]![0] ?? "";
  const last = parts.length > 1 ? (parts[parts.length - 1]![0] ?? "") : "";
  return (first + last).toUpperCase();
}

// a stable hue per person so the same user always gets the same colour
function hue(seed: string): number {
  let hash = 0;
  for (let i = 0; i < seed.length; i++) hash = (hash * 31 + seed.charCodeAt(i)) >>> 0;
  return hash % 360;
}

/** Initials on a colour derived from the name; decorative, the name is always shown next to it. */
export function Avatar({ name, seed, size = 28 }: { name: string; seed?: string; size?: number }) {
  const h = hue(seed ?? name);
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        fontSize: Math.round(size * 0.4),
        ["--avatar-h" as string]: String(h),
      }}
    >
      {initials(name)}
    </span>
  );
}
