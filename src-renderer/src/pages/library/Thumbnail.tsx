import { memo, useEffect, useRef, useState } from 'react';
import type { QrCode } from '../../../../src-shared/schemas/qrcodes';
import { previewExtras, qrSvg, svgDataUrl } from '../../render/qr-preview';

// One drawing per code version (id + updatedAt): scrolling back, switching views
// or filtering again never draws a code twice. Vector, so one size serves both views.
const CACHE_LIMIT = 2000;
const cache = new Map<string, string>();
const pending = new Map<string, Promise<string>>();

function keyOf(code: QrCode): string {
  return `${code.id}@${code.updatedAt}`;
}

function remember(key: string, url: string): void {
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, url);
}

function draw(code: QrCode): Promise<string> {
  const key = keyOf(code);
  let promise = pending.get(key);
  if (!promise) {
    promise = previewExtras(code.design)
      .then((extras) => svgDataUrl(qrSvg(code.payload, code.design, extras, 256)))
      .then((url) => {
        remember(key, url);
        return url;
      })
      .finally(() => pending.delete(key));
    pending.set(key, promise);
  }
  return promise;
}

// One observer for every thumbnail on the page: a drawing starts when its card comes near the viewport.
const waiting = new Map<Element, () => void>();
let observer: IntersectionObserver | null = null;

function whenNear(element: Element, callback: () => void): () => void {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const run = waiting.get(entry.target);
        waiting.delete(entry.target);
        observer?.unobserve(entry.target);
        run?.();
      }
    },
    { rootMargin: '300px 0px' },
  );
  waiting.set(element, callback);
  observer.observe(element);
  return () => {
    waiting.delete(element);
    observer?.unobserve(element);
  };
}

/** The code as it prints, drawn in the browser by the shared engine, once it scrolls into view. */
export const Thumbnail = memo(function Thumbnail({
  code,
  alt,
  className,
}: {
  code: QrCode;
  alt: string;
  className?: string;
}) {
  const key = keyOf(code);
  const [drawn, setDrawn] = useState<{ key: string; url: string | null } | null>(() => {
    const url = cache.get(key);
    return url ? { key, url } : null;
  });
  const box = useRef<HTMLDivElement>(null);
  const current = drawn?.key === key ? drawn : null;

  useEffect(() => {
    if (current || !box.current) return;
    let live = true;
    const stop = whenNear(box.current, () => {
      draw(code).then(
        (url) => live && setDrawn({ key, url }),
        () => live && setDrawn({ key, url: null }),
      );
    });
    return () => {
      live = false;
      stop();
    };
  }, [key, current, code]);

  return (
    <div ref={box} className={`library-thumb${className ? ` ${className}` : ''}`}>
      {current?.url ? (
        <img src={current.url} alt={alt} draggable={false} />
      ) : (
        <span className={current ? 'library-thumb-failed' : 'library-thumb-pending'} role="img" aria-label={alt} />
      )}
    </div>
  );
});
