  // The twin of taxfirewall.layouts.patch: a layout rebuilt from the main spec and its
  // difference from it (shared by the report and chart page templates).
  function tfPatch(a, d) {
    if (d === null || typeof d !== "object" || Array.isArray(d)) return d;
    if ("$set" in d) return d.$set;
    var out, k;
    if ("$list" in d) {
      out = a.slice();
      for (k in d.$list) out[+k] = tfPatch(a[+k], d.$list[k]);
      return out;
    }
    out = Object.assign({}, a);
    for (k in d) {
      if (d[k] !== null && typeof d[k] === "object" && "$del" in d[k]) delete out[k];
      else out[k] = tfPatch(a[k], d[k]);
    }
    return out;
  }