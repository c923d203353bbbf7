// The portal's number formats for figures that pages update in place; the same rules as
// ourvidz_admin/formatting.py (ms under 10 s, seconds with one decimal under 10 minutes, then m/s).
(function () {
  "use strict";
  const DASH = "—";
  function ms(value) {
    if (value === null || value === undefined || !isFinite(value)) return DASH;
    const sign = value < 0 ? "−" : "", millis = Math.abs(value);
    if (millis < 10000) return `${sign}${Math.round(millis).toLocaleString("en-US")} ms`;
    if (millis < 600000) return `${sign}${(millis / 1000).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
    const whole = Math.floor(millis / 1000);
    if (whole < 3600) return `${sign}${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, "0")}s`;
    return `${sign}${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")}m`;
  }
  function percent(value) {
    if (value === null || value === undefined || !isFinite(value)) return DASH;
    return `${Number(value).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
  }
  window.ourvidzFormat = {
    ms: ms,
    seconds: (value) => (value === null || value === undefined ? DASH : ms(value * 1000)),
    percent: percent,
    fraction: (value) => (value === null || value === undefined ? DASH : percent(value * 100)),
  };
})();
