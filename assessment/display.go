package assessment

// ActorName returns the name of one of the map's actors, for tables.
func (m ActorMap) ActorName(id string) string {
	for _, a := range m.Actors {
		if a.ID == id {
			return a.Name
		}
	}
	return id
}
