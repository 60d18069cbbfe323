"""決算整理: the closing run (kokai close), its inputs, the year lock and the 注記 template."""
