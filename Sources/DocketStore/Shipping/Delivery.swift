import DocketCore
import Foundation

/// After the handover: tracking events (from staff or a carrier's webhook), the customer's sign-off with refusals and
/// the after-sales cases they open, and the proof of delivery.
extension ShipmentRepository {
    /// A tracking event's outcome.
    public enum EventOutcome: String, Sendable, Hashable {
        /// New: stored, and the shipment follows.
        case recorded
        /// This source sent this event id before: nothing changes.
        case duplicate
        /// The carrier has no shipment with that tracking number (`carrierEvent`).
        case unknownShipment
    }

    /// Records a tracking event on a shipment that has left. `source` is the carrier's code for a webhook event,
    /// `staff` for one entered by a person. The event is kept once per source and event id (a retried or duplicated
    /// push is a `duplicate`); the shipment's status and expected arrival follow from all its events in the order
    /// they happened (`Tracking.status`, `Tracking.eta`), so events arriving out of order end in the same place. A
    /// `delivered` event signs the shipment off with the signer it names.
    public func recordEvent(_ id: ID<Shipment>, _ event: TrackingEvent, source: String, by actor: Actor) async throws -> (StoredShipment, EventOutcome) {
        var v = Validator()
        event.validate(&v, now: clock.now())
        try v.check()
        var outcome = EventOutcome.recorded
        let shipment = try await step(id, version: nil, by: actor) { shipment, _, now in
            guard shipment.status.hasLeft else { throw DocketError.conflict(.shipment, key: shipment.number, because: "notShippedYet") }
            let known = try await engine.read(
                Statement("SELECT 1 AS known FROM tracking_events WHERE source = $1 AND event_key = $2", [source, event.key]))
            if !known.isEmpty {
                outcome = .duplicate
                return nil
            }
            outcome = .recorded
            let next = Tracking.status(shipment.status, events: shipment.events + [event])
            let eta = Tracking.eta(shipment.events + [event], planned: shipment.plannedETA)
            var columns: [(String, any SQLBindable)] = [("eta", eta)]
            if next == .delivered, shipment.status != .delivered, let delivery = Tracking.delivery(shipment.events + [event]) {
                columns += [("delivered_at", delivery.occurredAt), ("signed_at", delivery.occurredAt), ("signer", delivery.signer)]
            }
            var statements = [
                Self.update(shipment, to: next, set: columns),
                Statement(
                    """
                    INSERT INTO tracking_events (shipment_id, source, event_key, kind, occurred_at, received_at, location, note, eta, signer, actor)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    """,
                    [
                        shipment.id, source, event.key, event.kind.rawValue, event.occurredAt, now, event.location, event.note, event.eta,
                        event.signer, actor.description,
                    ], expect: .rows(1), label: "tracking_events"),
            ]
            if next != shipment.status {
                let action: ShipmentAction = next == .delivered ? .deliver : (next == .exception ? .exception : .resume)
                statements.append(
                    audit(action.rawValue, .shipment, id: shipment.id, by: actor, at: now, data: try JSONColumn.encode(["event": event.key])))
            }
            if next == .exception, shipment.status != .exception {
                // 异常: the shipment is in trouble — someone must look into it, by a due time, in the exceptions queue.
                statements += try ExceptionRepository.opening(
                    orderID: shipment.orderID, shipmentID: shipment.id, kind: .delay,
                    source: actor.kind == .system && actor.name.hasPrefix("carrier:") ? .carrier : .staff,
                    description: [event.location, event.note].compactMap { $0 }.joined(separator: " · "), by: actor, at: now)
            }
            return StepWork(next: next, statements: statements)
        }
        return (shipment, outcome)
    }

    /// A carrier's event for the shipment it carries under `trackingNumber`.
    public func carrierEvent(carrier: String, trackingNumber: String, _ event: TrackingEvent) async throws -> EventOutcome {
        let rows = try await engine.read(
            Statement("SELECT id FROM shipments WHERE carrier_code = $1 AND tracking_number = $2 ORDER BY id DESC", [carrier, trackingNumber]))
        guard let row = rows.first else { return .unknownShipment }
        for _ in 0..<3 {
            do {
                return try await recordEvent(try row.id(), event, source: carrier, by: Actor(.system, "carrier:\(carrier)")).1
            } catch StoreError.uniqueViolation(let table, _) where table == "tracking_events" {
                return .duplicate  // the same event pushed twice at once: the other push stored it
            } catch StoreError.uniqueViolation(let table, _) where table == "order_exceptions" {
                continue  // another exception of the order took its number at this moment: record the event again
            }
        }
        throw DocketError.conflict(.shipment, key: trackingNumber)
    }

    /// 签收: who signed, when, and what the customer refused (`Delivery.signOff`), with the proof of delivery when there
    /// is one. Refused goods open an after-sales case for those lines in the same write; the order is delivered when
    /// its shipments are, and completes when no case is open.
    public func signOff(_ id: ID<Shipment>, _ signOff: SignOff, proof: DeliveryProof?, version: Int64? = nil, by actor: Actor) async throws
        -> StoredShipment
    {
        if let proof {
            var v = Validator()
            proof.validate(&v)
            try v.check()
        }
        return try await step(id, version: version, by: actor) { shipment, _, now in
            guard shipment.status == .shipped || shipment.status == .exception else {
                throw DocketError.conflict(.shipment, key: shipment.number, because: "shipmentStep")
            }
            let next = try Delivery.signOff(signOff, shipped: shipment.carried, leftAt: shipment.shippedAt, now: now)
            let signer = signOff.signer.trimmingCharacters(in: .whitespacesAndNewlines)
            var statements = [
                Self.update(shipment, to: next, set: [("delivered_at", signOff.signedAt), ("signed_at", signOff.signedAt), ("signer", signer)]),
                audit((next == .refused ? ShipmentAction.refuse : .deliver).rawValue, .shipment, id: shipment.id, by: actor, at: now,
                    data: try JSONColumn.encode(SignOffAudit(signer: signer, refusals: signOff.refusals))),
            ]
            if let proof { statements += Self.proofStatements(shipment.id, proof, by: actor, at: now) }
            var opening = 0
            if !signOff.refusals.isEmpty {
                statements += try await store.cases.opening(for: shipment, refusals: signOff.refusals, by: actor, at: now)
                opening = 1
            }
            return StepWork(next: next, statements: statements, openingCases: opening)
        }
    }

    /// Attaches (or replaces) the proof of delivery (回单) of a shipment that has been delivered or refused: the signed
    /// note often comes back days after the carrier reported the delivery.
    public func attachProof(_ id: ID<Shipment>, _ proof: DeliveryProof, by actor: Actor) async throws -> StoredShipment {
        var v = Validator()
        proof.validate(&v)
        try v.check()
        let shipment = try await self.shipment(id: id)
        guard shipment.status == .delivered || shipment.status == .refused else {
            throw DocketError.conflict(.shipment, key: shipment.number, because: "notDeliveredYet")
        }
        _ = try await engine.write(Self.proofStatements(id, proof, by: actor, at: clock.now()))
        return try await self.shipment(id: id)
    }

    static func proofStatements(_ id: ID<Shipment>, _ proof: DeliveryProof, by actor: Actor, at now: Timestamp) -> [Statement] {
        [
            Statement("DELETE FROM delivery_proofs WHERE shipment_id = $1", [id]),
            Statement(
                """
                INSERT INTO delivery_proofs (shipment_id, file_name, content_type, size, data, uploaded_by, uploaded_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [id, proof.fileName, proof.contentType, Int64(proof.bytes.count), Data(proof.bytes).base64EncodedString(), actor.description, now],
                expect: .rows(1), label: "delivery_proofs"),
            Store.audit(
                "attachProof", .shipment, id: id, by: actor, at: now,
                data: (try? JSONColumn.encode(["fileName": proof.fileName, "size": String(proof.bytes.count)])) ?? "{}"),
        ]
    }

    /// The proof of delivery as uploaded.
    public func proof(_ id: ID<Shipment>) async throws -> DeliveryProof {
        guard
            let row = try await engine.read(Statement("SELECT file_name, content_type, data FROM delivery_proofs WHERE shipment_id = $1", [id]))
                .first, let bytes = Data(base64Encoded: try row.text("data"))
        else { throw DocketError.notFound(.shipment, key: id.description) }
        return DeliveryProof(fileName: try row.text("file_name"), contentType: try row.text("content_type"), bytes: Array(bytes))
    }

    // MARK: Carriers' webhook secrets

    /// Creates (or rotates) the secret a carrier signs its tracking pushes with.
    public func rotateCarrierSecret(_ code: String, by actor: Actor) async throws -> String {
        guard try await !engine.read(Statement("SELECT 1 AS one FROM carriers WHERE code = $1", [code])).isEmpty else {
            throw DocketError.notFound(.carrier, key: code)
        }
        let secret = Secret.make()
        let now = clock.now()
        _ = try await engine.write([
            Statement(
                """
                INSERT INTO carrier_secrets (carrier_code, secret, created_at) VALUES ($1, $2, $3)
                ON CONFLICT (carrier_code) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at
                """, [code, secret, now], expect: .rows(1)),
            audit("carrierSecretRotated", .carrier, id: Optional<Int64>.none, by: actor, at: now, data: try JSONColumn.encode(["carrier": code])),
        ])
        return secret
    }

    public func carrierSecret(_ code: String) async throws -> String? {
        try await engine.read(Statement("SELECT secret FROM carrier_secrets WHERE carrier_code = $1", [code])).first?.optionalText("secret")
    }
}

/// The audit entry of a sign-off.
struct SignOffAudit: Codable {
    var signer: String
    var refusals: [Refusal]
}
