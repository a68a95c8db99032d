/**
 * @grafana/ui icons load their SVG files over HTTP at run time; jsdom has nothing to serve them, so an
 * empty <svg> with the same test id and attributes stands in (the browser test uses the real one).
 */
import { type Ref, forwardRef } from 'react';

/** react-inlinesvg's own props, which are not SVG attributes. */
const OWN_PROPS = new Set(['src', 'loader', 'onLoad', 'onError', 'title', 'innerRef', 'cacheRequests']);

const InlineSVG = forwardRef<SVGSVGElement, Record<string, unknown>>(function InlineSVG(props, ref) {
  const attributes = Object.fromEntries(Object.entries(props).filter(([name]) => !OWN_PROPS.has(name)));
  return <svg ref={(props.innerRef as Ref<SVGSVGElement>) ?? ref} {...attributes} />;
});

export default InlineSVG;
