-- Signed-in browser sessions, so that signing out ends a session everywhere
-- (a copied cookie stops working) and an operator can end them all. A
-- session is live while its row exists; only a hash of its id is stored.

CREATE TABLE "dashboard_sessions" (
    "id_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "dashboard_sessions_pkey" PRIMARY KEY ("id_hash")
);

CREATE INDEX "dashboard_sessions_expires_at_idx" ON "dashboard_sessions"("expires_at");
